#Requires -Version 7.0
# End to end, through the public cmdlets of the built module only: the README quick start as written, every
# parameter set of every cmdlet, restores into a cluster and into a folder (tests/Restore.TestApiServer, checked with
# kubectl as an admin would), and into a fleet of two clusters; each cluster block starts its own test API servers.
# Every kind of storage location is in StorageLocations.Tests.ps1.

BeforeDiscovery {
    # One case per parameter set: the named parameters of a call that binds it (-StorageLocation is added), and what
    # its output must be. $T holds what the block's BeforeAll set up. 'names every parameter set' fails when a cmdlet
    # gains a set that has no case here.
    $parameterSetCases = @(
        @{ Command = 'Get-Backup'; Set = 'List'
            Parameters = { param($T) @{ Name = 'daily-*'; Latest = $true } }
            Check = { param($Output, $T) (@($Output).Name -join ',') | Should -Be $T.Scheduled } }
        @{ Command = 'Get-BackupItem'; Set = 'ByName'
            Parameters = { param($T) @{ Backup = 'sample'; Namespace = 'demo'; Resource = 'deployments' } }
            Check = { param($Output, $T) (@($Output | ForEach-Object { "$_" }) -join ',') | Should -Be 'deployments.apps/demo/web' } }
        @{ Command = 'Get-RestorePlan'; Set = 'Backup'
            Parameters = { param($T) @{ Backup = 'sample'; ToDirectory = (Join-Path -Path $T.Out -ChildPath 'plan-backup') } }
            Check = { param($Output, $T)
                @($Output).Count | Should -Be 10
                @($Output | Where-Object Action -EQ 'Create').Count | Should -Be 8 } }
        @{ Command = 'Get-RestorePlan'; Set = 'Schedule'
            Parameters = { param($T) @{ Schedule = 'daily'; ToDirectory = (Join-Path -Path $T.Out -ChildPath 'plan-schedule') } }
            Check = { param($Output, $T) (@($Output.Backup | Sort-Object -Unique) -join ',') | Should -Be $T.Scheduled } }
        @{ Command = 'Get-RestorePlan'; Set = 'Manifest'
            Parameters = { param($T) @{ Manifest = $T.Manifest; ToDirectory = (Join-Path -Path $T.Out -ChildPath 'plan-manifest') } }
            Check = { param($Output, $T)
                (@($Output.Restore | Sort-Object -Unique) -join ',') | Should -Be 'from-manifest'
                (@($Output | Where-Object { $_.Action -eq 'Create' -and -not $_.IsNamespace }).Name -join ',') | Should -Be 'web-config' } }
        @{ Command = 'New-Restore'; Set = 'Backup'
            Parameters = { param($T) @{ Backup = 'sample'; Name = 'set-backup'; ToDirectory = (Join-Path -Path $T.Out -ChildPath 'new-backup') } }
            Check = { param($Output, $T)
                $Output.Phase | Should -Be 'Completed'
                $Output.Backup | Should -Be 'sample'
                $Output.ItemsRestored | Should -Be 9 } }
        @{ Command = 'New-Restore'; Set = 'Schedule'
            Parameters = { param($T) @{ Schedule = 'daily'; Name = 'set-schedule'; ToDirectory = (Join-Path -Path $T.Out -ChildPath 'new-schedule') } }
            Check = { param($Output, $T)
                $Output.Phase | Should -Be 'Completed'
                $Output.Backup | Should -Be $T.Scheduled } }
        @{ Command = 'New-Restore'; Set = 'Manifest'
            Parameters = { param($T) @{ Manifest = $T.Manifest; Name = 'set-manifest'; ToDirectory = (Join-Path -Path $T.Out -ChildPath 'new-manifest') } }
            Check = { param($Output, $T)
                $Output.Name | Should -Be 'set-manifest'
                $Output.Phase | Should -Be 'Completed'
                (@($Output.IncludedResources) -join ',') | Should -Be 'configmaps' } }
        @{ Command = 'Get-Restore'; Set = 'BackupObject'
            Parameters = { param($T) @{ InputObject = @(Get-Backup -Name sample -StorageLocation $T.Store) } }
            Check = { param($Output, $T)
                @($Output).Name | Should -Contain 'set-source'
                @($Output | Where-Object Backup -NE 'sample').Count | Should -Be 0 } }
        @{ Command = 'Get-Restore'; Set = 'Name'
            Parameters = { param($T) @{ Name = 'set-source' } }
            Check = { param($Output, $T)
                (@($Output).Name -join ',') | Should -Be 'set-source'
                $Output.Phase | Should -Be 'Completed' } }
        @{ Command = 'Get-RestoreItem'; Set = '__AllParameterSets'
            Parameters = { param($T) @{ Name = 'set-source'; Action = 'Skipped' } }
            Check = { param($Output, $T) (@($Output | ForEach-Object { '{0}/{1}' -f $_.Resource, $_.Name }) -join ',') | Should -Be 'persistentvolumes/pvc-3f1c2a9e-5b7d-4e8a-9c0f-1a2b3c4d5e6f' } }
        @{ Command = 'Get-RestoreLog'; Set = 'Entries'
            Parameters = { param($T) @{ Name = 'set-source'; Level = 'Warning' } }
            Check = { param($Output, $T)
                @($Output).Count | Should -Be 2
                (@($Output.Level | Sort-Object -Unique) -join ',') | Should -Be 'Warning' } }
        @{ Command = 'Get-RestoreLog'; Set = 'Raw'
            Parameters = { param($T) @{ Name = 'set-source'; Raw = $true; Tail = 1 } }
            Check = { param($Output, $T)
                @($Output).Count | Should -Be 1
                $Output | Should -BeOfType [string]
                $Output | Should -Match 'restore completed' } }
        @{ Command = 'Remove-Restore'; Set = '__AllParameterSets'
            Parameters = { param($T) @{ Name = 'set-remove'; Confirm = $false } }
            Check = { param($Output, $T)
                $Output | Should -BeNullOrEmpty
                Test-Path -LiteralPath (Join-Path -Path $T.Store -ChildPath 'restores/set-remove') | Should -BeFalse
                Test-Path -LiteralPath (Join-Path -Path $T.Store -ChildPath 'restores/set-source') | Should -BeTrue } }
    )
}

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
    Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
    $kubectlMissing = 'kubectl is not on PATH; it is optional (README.md, Requirements)'

    $sampleOutcomes = (Get-TestSampleItem -Outcome) -join ','
}

AfterAll {
    Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
}

Describe 'The README quick start' {
    BeforeAll {
        $root = Get-RestoreRepositoryRoot
        $readme = Get-Content -LiteralPath (Join-Path -Path $root -ChildPath 'README.md') -Raw
        $line = [regex]::Match($readme, '(?ms)^## Quick start\s*$.*?^```[^\r\n]*\r?\n(?<line>[^\r\n]+)').Groups['line'].Value
        $tokens = $null
        $parseErrors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($line, [ref] $tokens, [ref] $parseErrors)
        $commands = @($ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true))
        $commandNames = @($commands | ForEach-Object { ($_.CommandElements | Select-Object -First 2 | ForEach-Object { $_.Extent.Text }) -join ' ' })
        # Its one quoted argument holds no variable or escape, so sh, cmd and pwsh pass it alike.
        $expandable = @($ast.FindAll({ $args[0] -is [System.Management.Automation.Language.ExpandableStringExpressionAst] -and $args[0].NestedExpressions.Count -gt 0 }, $true))

        $restores = Join-Path -Path $root -ChildPath 'examples/backups/restores'
        $restoresExisted = Test-Path -LiteralPath $restores
        $before = @(Get-ChildItem -LiteralPath $restores -Directory -ErrorAction SilentlyContinue | ForEach-Object Name)
        $started = [datetime]::UtcNow
        # build.ps1 rewrites out/Restore/<version>/. Windows cannot overwrite an assembly a process has loaded, and this
        # session has loaded the module under test: when that is the same Release layout, the build would fail there.
        $releaseLayout = [System.IO.Path]::GetFullPath((Join-Path -Path $root -ChildPath 'out/Restore')) + [System.IO.Path]::DirectorySeparatorChar
        $blocked = $IsWindows -and (Get-RestoreManifestPath).StartsWith($releaseLayout, [System.StringComparison]::OrdinalIgnoreCase)
        if (-not $blocked) {
            Push-Location -LiteralPath $root
            try {
                # The line exactly as written, in a fresh pwsh (it chains with &&, which pwsh 7 and sh both run).
                $output = & (Get-TestPwshPath) -NoProfile -NonInteractive -Command $line 2>&1 | ForEach-Object { "$_" }
                $exitCode = $LASTEXITCODE
            }
            finally {
                Pop-Location
            }
        }
        $text = ($output -join "`n") -replace "`e\[[0-9;]*m", ''
        $created = @(Get-ChildItem -LiteralPath $restores -Directory -ErrorAction SilentlyContinue | Where-Object Name -NotIn $before)
        $restored = Join-Path -Path $root -ChildPath 'out/restored'
    }

    AfterAll {
        # The run's record is this test's to clean up; out/restored is build output, as the README describes it.
        foreach ($folder in $created) { Remove-Item -LiteralPath $folder.FullName -Recurse -Force }
        if (-not $restoresExisted) { Remove-Item -LiteralPath $restores -Recurse -Force -ErrorAction SilentlyContinue }
    }

    BeforeEach {
        if ($blocked) { Set-ItResult -Skipped -Because 'on Windows build.ps1 cannot rebuild the Release module this session has loaded; run the suite against the Debug build' }
    }

    It 'is one command line in the README''s Quick start block: the pinned pwsh restored, then run' {
        $parseErrors.Count | Should -Be 0
        ($commandNames -join ' && ') | Should -Be 'dotnet tool && dotnet pwsh'
        $line | Should -Match '^dotnet tool restore && dotnet pwsh -NoProfile -Command "'
        $expandable.Count | Should -Be 0
    }

    It 'exits with code 0' {
        $exitCode | Should -Be 0 -Because $text
    }

    It 'writes one manifest per restored object under out/restored' {
        $written = Get-ChildItem -LiteralPath $restored -Recurse -File | Where-Object LastWriteTimeUtc -GE $started |
            ForEach-Object { [System.IO.Path]::GetRelativePath($restored, $_.FullName).Replace('\', '/') } | Sort-Object

        ($written -join ',') | Should -Be (@(
                '000-namespaces/0001-demo.yaml'
                '003-persistentvolumeclaims/0002-persistentvolumeclaim-demo-web-data.yaml'
                '004-clusterroles.rbac.authorization.k8s.io/0003-clusterrole-demo%3Aweb-reader.yaml'
                '005-serviceaccounts/0004-serviceaccount-demo-web.yaml'
                '006-secrets/0005-secret-demo-web-credentials.yaml'
                '007-configmaps/0006-configmap-demo-web-config.yaml'
                '008-services/0007-service-demo-web.yaml'
                '009-deployments.apps/0008-deployment-demo-web.yaml'
            ) -join ',')
    }

    It 'keeps the record under examples/backups/restores, readable by Get-Restore' {
        $created.Count | Should -Be 1
        $record = Get-Restore -Name $created[0].Name -StorageLocation (Join-Path -Path $root -ChildPath 'examples/backups')

        $record.Phase | Should -Be 'Completed'
        $record.Backup | Should -Be 'sample'
        $record.ItemsRestored | Should -Be 9
        $record.Cluster | Should -Be ([System.IO.Path]::GetFullPath($restored))
    }

    It 'prints the finished Restore object, Completed' {
        $created.Count | Should -Be 1
        $text | Should -Match "(?m)^$([regex]::Escape($created[0].Name))\s.*\bCompleted\b"
    }
}

Describe 'Every parameter set' {
    BeforeAll {
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'sets')
        $scheduled = Add-ScheduledCopyOfSample -StorageLocation $store -Schedule daily -Started ([datetime]::new(2025, 2, 1, 2, 0, 0, [System.DateTimeKind]::Utc))
        $manifest = Join-Path -Path $TestDrive -ChildPath 'sets-restore.yaml'
        Set-Content -LiteralPath $manifest -Encoding utf8 -Value "apiVersion: velero.io/v1`nkind: Restore`nmetadata:`n  name: from-manifest`nspec:`n  backupName: sample`n  includedResources:`n  - configmaps`n"
        $out = Join-Path -Path $TestDrive -ChildPath 'sets-out'
        foreach ($name in 'set-source', 'set-remove') {
            $null = New-Restore sample -Name $name -StorageLocation $store -ToDirectory (Join-Path -Path $out -ChildPath $name) -WarningAction SilentlyContinue
        }
        $T = @{ Store = $store; Scheduled = $scheduled; Manifest = $manifest; Out = $out }
    }

    It 'names every parameter set of every cmdlet' -ForEach @(@{ Covered = @($parameterSetCases | ForEach-Object { "$($_.Command) [$($_.Set)]" }) }) {
        $real = @(Get-Command -Module Restore | ForEach-Object { $command = $_.Name; $_.ParameterSets | ForEach-Object { "$command [$($_.Name)]" } })

        (@($Covered | Sort-Object -Unique) -join "`n") | Should -Be (@($real | Sort-Object) -join "`n")
    }

    It '<Command> [<Set>]' -ForEach $parameterSetCases {
        $arguments = & $Parameters $T

        Resolve-TestParameterSet -Command $Command -ParameterName (@($arguments.Keys) + 'StorageLocation') | Should -Be $Set
        $output = & $Command @arguments -StorageLocation $T.Store -WarningAction SilentlyContinue -ErrorAction Stop
        & $Check $output $T
    }
}

Describe 'Restore into a cluster and into a folder' {
    BeforeAll {
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'cluster-store')
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'cluster.kubeconfig'
        $server = Start-TestApiServer -KubeConfig $kubeconfig
        # restore-test-cert is not the current context: -Context picks it.
        $restore = New-Restore sample -Name into-cluster -StorageLocation $store -KubeConfig $kubeconfig -Context restore-test-cert -WarningAction SilentlyContinue
        $folder = Join-Path -Path $TestDrive -ChildPath 'cluster-folder'
        $toFolder = New-Restore sample -Name into-folder -StorageLocation $store -ToDirectory $folder -NamespaceMapping @{ demo = 'demo-from-folder' } `
            -ClusterResources None -WarningAction SilentlyContinue
        $namespaced = 'deployments.apps,services,configmaps,secrets,serviceaccounts,persistentvolumeclaims'
        $namespacedItems = 'ConfigMap/web-config,Deployment/web,PersistentVolumeClaim/web-data,Secret/web-credentials,Service/web,ServiceAccount/web'
    }

    AfterAll {
        Stop-TestApiServer -Process $server
    }

    It 'restores every item of the sample into the context and says what happened to each' {
        $restore.Phase | Should -Be 'Completed'
        $restore.Cluster | Should -Be 'restore-test-cert'
        $restore.ItemsRestored | Should -Be 9
        (@($restore.Targets | ForEach-Object { '{0}:{1}:{2}' -f $_.Name, $_.Kind, $_.Phase }) -join ',') | Should -Be 'restore-test-cert:cluster:Completed'
        Get-RestoreItem into-cluster -StorageLocation $store | Format-TestItem -Action | Should -Be $sampleOutcomes
    }

    It 'leaves the objects on the server, labelled with the restore (kubectl)' {
        if (-not (Get-TestKubectlPath)) { Set-ItResult -Skipped -Because $kubectlMissing }

        $objects = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', $namespaced, '--namespace', 'demo', '--selector', 'velero.io/restore-name=into-cluster') -Json
        (@($objects.items | ForEach-Object { "$($_.kind)/$($_.metadata.name)" } | Sort-Object) -join ',') | Should -Be $namespacedItems
        $role = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'clusterroles.rbac.authorization.k8s.io', 'demo:web-reader') -Json
        $role.metadata.labels.'velero.io/restore-name' | Should -Be 'into-cluster'
        $role.metadata.labels.'velero.io/backup-name' | Should -Be 'sample'
        (Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'namespace', 'demo') -Json).status.phase | Should -Be 'Active'
        # The volume is left to be provisioned again, not created.
        @((Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'persistentvolumes') -Json).items).Count | Should -Be 0
    }

    It 'writes manifests into a folder that kubectl applies' {
        $toFolder.Phase | Should -Be 'Completed'
        @(Get-ChildItem -LiteralPath $folder -Recurse -File -Filter *.yaml).Count | Should -Be 7
        if (-not (Get-TestKubectlPath)) { Set-ItResult -Skipped -Because $kubectlMissing }

        $null = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('apply', '--recursive', '--filename', $folder)

        $objects = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', $namespaced, '--namespace', 'demo-from-folder', '--selector', 'velero.io/restore-name=into-folder') -Json
        (@($objects.items | ForEach-Object { "$($_.kind)/$($_.metadata.name)" } | Sort-Object) -join ',') | Should -Be $namespacedItems
    }
}

Describe 'Restore into a fleet of two clusters' {
    BeforeAll {
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'fleet-store')
        $east = Join-Path -Path $TestDrive -ChildPath 'east.kubeconfig'
        $west = Join-Path -Path $TestDrive -ChildPath 'west.kubeconfig'
        $eastServer = Start-TestApiServer -KubeConfig $east -ExtraArguments @('--cluster-name', 'east')
        $westServer = Start-TestApiServer -KubeConfig $west -ExtraArguments @('--cluster-name', 'west')
        # Both files as one kubeconfig list, as in $env:KUBECONFIG.
        $restore = New-Restore sample -Name fleet -StorageLocation $store -KubeConfig ($east + [System.IO.Path]::PathSeparator + $west) `
            -Context east-token, west-token -WarningAction SilentlyContinue
    }

    AfterAll {
        Stop-TestApiServer -Process $eastServer
        Stop-TestApiServer -Process $westServer
    }

    It 'returns one Restore with the outcome of each cluster' {
        @($restore).Count | Should -Be 1
        $restore.Phase | Should -Be 'Completed'
        (@($restore.Targets | ForEach-Object { '{0}:{1}:{2}:{3}/{4}' -f $_.Name, $_.Kind, $_.Phase, $_.ItemsRestored, $_.TotalItems } | Sort-Object) -join ',') |
            Should -Be 'east-token:cluster:Completed:9/9,west-token:cluster:Completed:9/9'
        @($restore.Targets.Server | Sort-Object -Unique).Count | Should -Be 2
    }

    It 'records every item once per cluster' {
        $items = @(Get-RestoreItem fleet -StorageLocation $store)

        (@($items | Group-Object Target | ForEach-Object { '{0}:{1}' -f $_.Name, $_.Count } | Sort-Object) -join ',') | Should -Be 'east-token:9,west-token:9'
        $items | Where-Object Target -EQ 'west-token' | Format-TestItem -Action | Should -Be $sampleOutcomes
    }

    It 'leaves the objects on both servers (kubectl)' {
        if (-not (Get-TestKubectlPath)) { Set-ItResult -Skipped -Because $kubectlMissing }

        foreach ($kubeconfig in $east, $west) {
            $web = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'deployments.apps', 'web', '--namespace', 'demo') -Json
            $web.metadata.labels.'velero.io/restore-name' | Should -Be 'fleet' -Because $kubeconfig
            $role = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'clusterroles.rbac.authorization.k8s.io', 'demo:web-reader') -Json
            $role.metadata.labels.'velero.io/restore-name' | Should -Be 'fleet' -Because $kubeconfig
        }
    }
}
