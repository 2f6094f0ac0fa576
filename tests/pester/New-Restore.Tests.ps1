#Requires -Version 7.0
# New-Restore against the sample backup: every parameter set, folder and cluster targets, -WhatIf, -AsJob, errors.
# The cluster tests start tests/Restore.TestApiServer (a loopback fake API server) for the Describe block.

Describe 'New-Restore' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
        $completed = Add-ScheduledCopyOfSample -StorageLocation $store -Schedule daily -Started ([datetime]::new(2025, 2, 1, 2, 0, 0, [System.DateTimeKind]::Utc)) -Phase Completed
        $partial = Add-ScheduledCopyOfSample -StorageLocation $store -Schedule daily -Started ([datetime]::new(2025, 2, 2, 2, 0, 0, [System.DateTimeKind]::Utc)) -Phase PartiallyFailed
        function Out-Folder([string] $Name) { Join-Path -Path $TestDrive -ChildPath "out-$Name" }
    }

    AfterAll {
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    Context 'Backup parameter set, into a folder' {
        It 'restores the backup into a folder and returns the finished Restore object' {
            $out = Out-Folder 'one'
            $restore = New-Restore -Backup sample -Name folder-one -StorageLocation $store -ToDirectory $out

            @($restore).Count | Should -Be 1
            $restore.GetType().FullName | Should -Be 'Restore.Engine.Api.RestoreInfo'
            $restore.Name | Should -Be 'folder-one'
            # The volume has no snapshot and reclaim policy Delete: skipped with a warning, as Velero does.
            $restore.Phase | Should -Be 'Completed'
            $restore.Warnings | Should -Be 1
            $restore.IsRunning | Should -BeFalse
            $restore.Backup | Should -Be 'sample'
            $restore.TotalItems | Should -Be 9
            $restore.ItemsRestored | Should -Be 9
            $restore.Cluster | Should -Be $out
            $restore.StorageLocation | Should -Be $store
            @(Get-ChildItem -LiteralPath $out -Recurse -File).Count | Should -Be 8
            Test-Path -LiteralPath (Join-Path -Path $store -ChildPath 'restores/folder-one/restore-folder-one-record.json') | Should -BeTrue
        }

        It 'takes Backup objects from Get-Backup, with their storage location' {
            $restore = Get-Backup -StorageLocation $store -Name sample | New-Restore -Name piped -ToDirectory (Out-Folder 'piped')

            $restore.Backup | Should -Be 'sample'
            $restore.StorageLocation | Should -Be $store
        }

        It 'names the restore after the backup and the local time by default' {
            $restore = New-Restore sample -StorageLocation $store -ToDirectory (Out-Folder 'default-name')

            $restore.Name | Should -Match '^sample-\d{14}$'
        }

        It 'applies filters and keeps the description and labels' {
            $restore = New-Restore sample -Name filtered -StorageLocation $store -ToDirectory (Out-Folder 'filtered') `
                -IncludeResource configmaps, deployments.apps -ExcludeNamespace kube-* -ClusterResources None -RestoreVolumes:$false `
                -Description 'INC-42' -Label @{ ticket = 'inc-42' }

            (@($restore.IncludedResources) -join ',') | Should -Be 'configmaps,deployments.apps'
            $restore.Description | Should -Be 'INC-42'
            $restore.Labels['ticket'] | Should -Be 'inc-42'
            $restore.Spec.IncludeClusterResources | Should -BeFalse
            $restore.Spec.RestorePVs | Should -BeFalse
            $resources = @(Get-RestoreItem filtered -StorageLocation $store | Select-Object -ExpandProperty Resource -Unique)
            $resources | Should -Not -Contain 'secrets'
            $resources | Should -Contain 'configmaps'
        }

        It 'writes nothing with -WhatIf' {
            $out = Out-Folder 'whatif'
            $result = New-Restore sample -Name whatif-one -StorageLocation $store -ToDirectory $out -WhatIf

            $result | Should -BeNullOrEmpty
            Test-Path -LiteralPath (Join-Path -Path $store -ChildPath 'restores/whatif-one') | Should -BeFalse
            @(Get-ChildItem -LiteralPath $out -Recurse -Force -ErrorAction SilentlyContinue).Count | Should -Be 0
        }

        It 'refuses a non-empty folder unless -Force is given' {
            $out = Out-Folder 'force'
            $null = New-Item -ItemType File -Path (Join-Path -Path $out -ChildPath 'keep.txt') -Force

            $thrown = Get-ThrownError { New-Restore sample -Name force-one -StorageLocation $store -ToDirectory $out -ErrorAction Stop }
            $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestoreTargetUnusable,*'

            $restore = New-Restore sample -Name force-two -StorageLocation $store -ToDirectory $out -Force
            $restore.Phase | Should -Be 'Completed'
            Test-Path -LiteralPath (Join-Path -Path $out -ChildPath 'keep.txt') | Should -BeTrue
        }
    }

    Context 'Schedule parameter set' {
        It 'restores the newest Completed backup of the schedule' {
            $restore = New-Restore -Schedule daily -Name sched-one -StorageLocation $store -ToDirectory (Out-Folder 'sched-one')

            $restore.Backup | Should -Be $completed
        }

        It 'takes a PartiallyFailed backup with -AllowPartiallyFailed' {
            $restore = New-Restore -Schedule daily -AllowPartiallyFailed -Name sched-two -StorageLocation $store -ToDirectory (Out-Folder 'sched-two')

            $restore.Backup | Should -Be $partial
        }

        It 'stops with NewRestoreBackupNotFound for a schedule without backups' {
            $thrown = Get-ThrownError { New-Restore -Schedule weekly -StorageLocation $store -ToDirectory (Out-Folder 'weekly') -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestoreBackupNotFound,*'
        }
    }

    Context 'Manifest parameter set' {
        BeforeAll {
            $manifest = Join-Path -Path $TestDrive -ChildPath 'restore.yaml'
            Set-Content -LiteralPath $manifest -Encoding utf8 -Value @'
apiVersion: velero.io/v1
kind: Restore
metadata:
  name: from-manifest
  namespace: velero
  labels:
    team: shop
spec:
  backupName: sample
  includedNamespaces:
  - demo
  excludedResources:
  - secrets
'@
            $restore = New-Restore -Manifest $manifest -StorageLocation $store -ToDirectory (Out-Folder 'manifest') -IncludeResource configmaps
        }

        It 'restores what the manifest says, with parameters overriding its fields' {
            $restore.Name | Should -Be 'from-manifest'
            $restore.Labels['team'] | Should -Be 'shop'
            (@($restore.IncludedNamespaces) -join ',') | Should -Be 'demo'
            (@($restore.IncludedResources) -join ',') | Should -Be 'configmaps'
            @(Get-RestoreItem from-manifest -StorageLocation $store | Where-Object Resource -NotIn 'configmaps', 'namespaces').Count | Should -Be 0
        }

        It 'runs a manifest from Get-Restore again under another name' {
            $file = Join-Path -Path $TestDrive -ChildPath 'again.yaml'
            (Get-Restore from-manifest -StorageLocation $store).Manifest | Set-Content -LiteralPath $file -Encoding utf8

            $again = New-Restore -Manifest $file -Name from-manifest-again -StorageLocation $store -ToDirectory (Out-Folder 'again')

            (@($again.IncludedResources) -join ',') | Should -Be 'configmaps'
            $again.Labels['team'] | Should -Be 'shop'
        }

        It 'stops with NewRestoreManifestInvalid for a file that is not a Restore' {
            $file = Join-Path -Path $TestDrive -ChildPath 'configmap.yaml'
            Set-Content -LiteralPath $file -Value "apiVersion: v1`nkind: ConfigMap`n" -Encoding utf8

            $thrown = Get-ThrownError { New-Restore -Manifest $file -StorageLocation $store -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestoreManifestInvalid,*'
            $thrown.Exception.Message | Should -Match 'Restore'
        }

        It 'stops with NewRestoreManifestUnreadable for a missing file' {
            $thrown = Get-ThrownError { New-Restore -Manifest (Join-Path -Path $TestDrive -ChildPath 'nope.yaml') -StorageLocation $store -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestoreManifestUnreadable,*'
        }
    }

    Context 'Bad arguments' {
        BeforeAll {
            $null = New-Restore sample -Name taken -StorageLocation $store -ToDirectory (Out-Folder 'taken-first') -WarningAction SilentlyContinue
        }

        It 'stops with <Id> for <Case>' -ForEach @(
            @{ Case = 'an unknown backup'; Id = 'NewRestoreBackupNotFound'; Arguments = @{ Backup = 'missing' } }
            @{ Case = 'an invalid label selector'; Id = 'NewRestoreInvalidArgument'; Arguments = @{ Backup = 'sample'; LabelSelector = 'app in (' } }
            @{ Case = 'a folder and a context together'; Id = 'NewRestoreInvalidArgument'; Arguments = @{ Backup = 'sample'; Context = 'east' } }
            @{ Case = 'a bad duration'; Id = 'NewRestoreInvalidArgument'; Arguments = @{ Backup = 'sample'; Timeout = 'soon' } }
            @{ Case = 'a ConfigMap outside the velero namespace'; Id = 'NewRestoreInvalidArgument'; Arguments = @{ Backup = 'sample'; ResourceModifierConfigMap = 'other/mods' } }
            @{ Case = 'an invalid restore name'; Id = 'NewRestoreInvalidArgument'; Arguments = @{ Backup = 'sample'; Name = 'Not_Valid' } }
        ) {
            $arguments = $Arguments
            $thrown = Get-ThrownError { New-Restore @arguments -StorageLocation $store -ToDirectory (Out-Folder 'bad') -ErrorAction Stop }

            $thrown | Should -Not -BeNullOrEmpty
            $thrown.FullyQualifiedErrorId | Should -BeLike "$Id,*"
            @(Get-ChildItem -LiteralPath (Out-Folder 'bad') -Recurse -Force -ErrorAction SilentlyContinue).Count | Should -Be 0
        }

        It 'stops with NewRestoreNameInUse when the name is taken' {
            $thrown = Get-ThrownError { New-Restore sample -Name taken -StorageLocation $store -ToDirectory (Out-Folder 'taken') -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestoreNameInUse,*'
        }

        It 'stops with NewRestoreStorageLocationMissing without a location' {
            $saved = $env:RESTORE_STORAGE_LOCATION
            try {
                $env:RESTORE_STORAGE_LOCATION = $null
                $thrown = Get-ThrownError { New-Restore sample -ToDirectory (Out-Folder 'nowhere') -ErrorAction Stop }
            }
            finally {
                $env:RESTORE_STORAGE_LOCATION = $saved
            }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestoreStorageLocationMissing,*'
        }
    }

    Context '-AsJob' {
        It 'returns a job whose output is the Restore object' {
            $job = New-Restore sample -Name as-job -StorageLocation $store -ToDirectory (Out-Folder 'job') -AsJob
            try {
                $job.PSJobTypeName | Should -Be 'RestoreJob'
                $null = Wait-Job -Job $job -Timeout 180
                $job.State | Should -Be 'Completed'
                $restore = Receive-Job -Job $job

                $restore.Name | Should -Be 'as-job'
                $restore.Phase | Should -Be 'Completed'
            }
            finally {
                Remove-Job -Job $job -Force
            }
        }

        It 'answers -WhatIf before starting a job' {
            $result = New-Restore sample -Name as-job-whatif -StorageLocation $store -ToDirectory (Out-Folder 'job-whatif') -AsJob -WhatIf

            $result | Should -BeNullOrEmpty
            Test-Path -LiteralPath (Join-Path -Path $store -ChildPath 'restores/as-job-whatif') | Should -BeFalse
        }
    }

    Context 'Argument completion' {
        It 'completes backup names from the storage location' {
            $line = "New-Restore -StorageLocation '$store' -Backup sa"
            $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches

            $completions.CompletionText | Should -Contain 'sample'
        }
    }

    Context 'Into a cluster' {
        BeforeAll {
            $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig'
            $server = Start-TestApiServer -KubeConfig $kubeconfig -ExtraArguments @('--forbid', 'configmaps:create:forbidden')
        }

        AfterAll {
            Stop-TestApiServer -Process $server
        }

        It 'restores into the current context and records each item' {
            $restore = New-Restore sample -Name cluster-one -StorageLocation $store -KubeConfig $kubeconfig -IncludeNamespace demo

            $restore.Phase | Should -Be 'Completed'
            $restore.Cluster | Should -Be 'restore-test-token'
            $created = Get-RestoreItem cluster-one -StorageLocation $store -Action Created
            $created | Where-Object { $_.Resource -eq 'deployments.apps' -and $_.Name -eq 'web' } | Should -Not -BeNullOrEmpty
        }

        It 'shows the restore log on the verbose stream' {
            $verbose = New-Restore sample -Name cluster-verbose -StorageLocation $store -KubeConfig $kubeconfig -Context restore-test-cert -IncludeNamespace demo -NamespaceMapping @{ demo = 'demo-verbose' } -Verbose 4>&1

            @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0
            @($verbose | Where-Object { $_.GetType().FullName -eq 'Restore.Engine.Api.RestoreInfo' }).Count | Should -Be 1
        }

        It 'writes one NewRestoreItemFailed error per failed item, with the item as target' {
            $restore = New-Restore sample -Name cluster-denied -StorageLocation $store -KubeConfig $kubeconfig -IncludeNamespace demo `
                -NamespaceMapping @{ demo = 'forbidden' } -ErrorVariable failures -ErrorAction SilentlyContinue

            $restore.Phase | Should -Be 'PartiallyFailed'
            $itemErrors = @($failures | Where-Object { $_.FullyQualifiedErrorId -like 'NewRestoreItemFailed,*' })
            $itemErrors.Count | Should -BeGreaterThan 0
            $denied = @($itemErrors | Where-Object { $_.TargetObject.Resource -eq 'configmaps' })
            $denied.Count | Should -Be 1
            $denied[0].TargetObject.Name | Should -Be 'web-config'
            $denied[0].TargetObject.Namespace | Should -Be 'forbidden'
            $denied[0].TargetObject.Action | Should -Be 'Failed'
            $denied[0].TargetObject.Restore | Should -Be 'cluster-denied'
            $denied[0].Exception.Message | Should -Match 'web-config'
            @(Get-RestoreItem cluster-denied -StorageLocation $store -Action Failed).Count | Should -Be $itemErrors.Count
        }

        It 'stops with NewRestoreContextNotFound for an unknown context' {
            $thrown = Get-ThrownError { New-Restore sample -StorageLocation $store -KubeConfig $kubeconfig -Context nowhere -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestoreContextNotFound,*'
        }

        It 'completes -Context from the kubeconfig' {
            $line = "New-Restore -KubeConfig '$kubeconfig' -Context restore-test-"
            $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches

            $completions.CompletionText | Should -Contain 'restore-test-token'
            $completions.CompletionText | Should -Contain 'restore-test-cert'
        }
    }
}
