#Requires -Version 7.0
# Issue 16: a restore the client cannot do completely says so in its plan and its warnings, and names New-Restore
# -Server: volume data (native snapshots here; file-system, CSI and data-mover cases in CsiAndPluginConfig.Tests.ps1)
# and plugins named in the backup's item operations file.

Describe 'What only the Velero server can restore' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop

        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
        $sample = Join-Path -Path $store -ChildPath 'backups/sample'

        # Velero's layout for async operations: the resource identifier's keys are Go field names.
        $operations = @(
            @{ spec = @{ backupName = 'sample'; backupItemAction = 'example.io/db-backupper'; operationID = 'op-7'
                    resourceIdentifier = @{ Group = 'apps'; Resource = 'deployments'; Namespace = 'demo'; Name = 'web' } }
                status = @{ phase = 'Completed' } }
            @{ spec = @{ backupName = 'sample'; backupItemAction = 'velero.io/csi-pvc-backupper'; operationID = 'du-1'
                    resourceIdentifier = @{ Group = ''; Resource = 'configmaps'; Namespace = 'demo'; Name = 'web-config' } }
                status = @{ phase = 'Completed' } }
        )
        Write-TestGzip -Path (Join-Path -Path $sample -ChildPath 'sample-itemoperations.json.gz') -Text (ConvertTo-Json -InputObject $operations -Depth 6)
    }

    AfterAll {
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    Context 'Plugins named in the backup' {
        It 'the plan warns once per plugin, naming it and -Server, and the item line says why' {
            $plan = @(Get-RestorePlan sample -StorageLocation $store -ToDirectory (Join-Path $TestDrive 'plan-out') -WarningVariable warned -WarningAction SilentlyContinue)

            $named = @($warned | Where-Object { "$_" -match 'Velero plugins acted on items' })
            $named.Count | Should -Be 1
            "$($named[0])" | Should -Match '"example\.io/db-backupper" \(1 item\)'
            "$($named[0])" | Should -Match 'New-Restore -Server'
            # A built-in CSI action is not a plugin the client lacks: the volume decisions speak for it.
            "$warned" | Should -Not -Match 'csi-pvc-backupper'

            $web = $plan | Where-Object { $_.Resource -eq 'deployments.apps' -and $_.Name -eq 'web' }
            $web.Action | Should -Be 'Create'
            @($web.Warnings | Where-Object { $_ -match 'example\.io/db-backupper' -and $_ -match 'operation op-7' -and $_ -match 'New-Restore -Server' }).Count | Should -Be 1
            $config = $plan | Where-Object { $_.Resource -eq 'configmaps' -and $_.Name -eq 'web-config' }
            @($config.Warnings).Count | Should -Be 0
        }

        It 'a client restore carries the warning in its results and its log, and restores the item as stored' {
            $out = Join-Path -Path $TestDrive -ChildPath 'restored'
            $restore = New-Restore sample -Name plugin-check -StorageLocation $store -ToDirectory $out -WarningAction SilentlyContinue

            $restore.Phase | Should -Be 'Completed'
            @($restore.WarningMessages.Namespaces['demo'] | Where-Object { $_ -match 'example\.io/db-backupper' -and $_ -match 'New-Restore -Server' }).Count | Should -Be 1
            Test-Path -LiteralPath (Join-Path -Path $out -ChildPath '009-deployments.apps/0008-deployment-demo-web.yaml') | Should -BeTrue
            (Get-RestoreLog -Name plugin-check -StorageLocation $store | Out-String) | Should -Match 'example\.io/db-backupper'
        }

        It 'an unreadable item operations file costs the names, not the restore' {
            $broken = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'broken-store')
            Write-TestGzip -Path (Join-Path -Path $broken -ChildPath 'backups/sample/sample-itemoperations.json.gz') -Text '{ not json'

            $restore = New-Restore sample -Name broken-ops -StorageLocation $broken -ToDirectory (Join-Path $TestDrive 'broken-out') -WarningAction SilentlyContinue

            $restore.Phase | Should -Be 'Completed'
            (Get-RestoreLog -Name broken-ops -StorageLocation $broken | Out-String) | Should -Match 'item operations file cannot be read'
        }
    }

    Context 'Native snapshots' {
        BeforeAll {
            $native = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'native-store')
            $info = '[{"pvcName":"web-data","pvcNamespace":"demo","pvName":"pvc-3f1c2a9e-5b7d-4e8a-9c0f-1a2b3c4d5e6f","backupMethod":"NativeSnapshot","nativeSnapshotInfo":{"snapshotHandle":"snap-0abc","volumeType":"gp3"},"pvInfo":{"reclaimPolicy":"Retain"}}]'
            Write-TestGzip -Path (Join-Path -Path $native -ChildPath 'backups/sample/sample-volumeinfo.json.gz') -Text $info
            $volume = { param($plan) $plan | Where-Object { $_.Resource -eq 'persistentvolumes' } }
        }

        It 'warns that the volume data needs the server, naming -Server' {
            $plan = @(Get-RestorePlan sample -StorageLocation $native -ToDirectory (Join-Path $TestDrive 'native-out') -WarningAction SilentlyContinue)

            $warning = @((& $volume $plan).Warnings | Where-Object { $_ -match 'NativeSnapshot' })
            $warning.Count | Should -Be 1
            $warning[0] | Should -Match 'volume snapshotter plugin'
            $warning[0] | Should -Match 'New-Restore -Server'
        }

        It 'does not point at the server when volumes are left out on purpose' {
            $plan = @(Get-RestorePlan sample -StorageLocation $native -ToDirectory (Join-Path $TestDrive 'native-out') -RestoreVolumes:$false -WarningAction SilentlyContinue)

            $warning = @((& $volume $plan).Warnings | Where-Object { $_ -match 'NativeSnapshot' })
            $warning.Count | Should -Be 1
            $warning[0] | Should -Match 'restorePVs is false'
            $warning[0] | Should -Not -Match 'New-Restore -Server'
        }
    }
}
