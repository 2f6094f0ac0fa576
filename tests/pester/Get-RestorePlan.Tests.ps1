#Requires -Version 7.0
# Get-RestorePlan: every parameter set, offline (folder) plans and live predictions against the test API server.

Describe 'Get-RestorePlan' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
    }

    AfterAll {
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    Context 'Offline, for a folder' {
        BeforeAll {
            # A store of its own: the checks below say the plan wrote nothing to it.
            $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'offline-store')
            $scheduled = Add-ScheduledCopyOfSample -StorageLocation $store -Schedule daily -Started ([datetime]::new(2025, 2, 1, 2, 0, 0, [System.DateTimeKind]::Utc))
            $out = Join-Path -Path $TestDrive -ChildPath 'out'
        }

        It 'returns one typed line per item, in restore order, and writes nothing' {
            $plan = @(Get-RestorePlan -Backup sample -StorageLocation $store -ToDirectory $out)

            $plan.Count | Should -Be 10
            $plan[0].GetType().FullName | Should -Be 'Restore.Engine.Api.RestorePlanItem'
            $web = $plan | Where-Object { $_.Resource -eq 'deployments.apps' -and $_.Name -eq 'web' }
            $web.Action | Should -Be 'Create'
            $web.Order | Should -BeGreaterThan 0
            $web.TierName | Should -Be 'deployments.apps'
            $web.SourceNamespace | Should -Be 'demo'
            $web.Prediction | Should -Be 'NotChecked'
            $web.Target | Should -Be $out
            $orders = @($plan | Where-Object Order -GT 0 | Select-Object -ExpandProperty Order)
            ($orders -join ',') | Should -Be (($orders | Sort-Object) -join ',')
            @(Get-ChildItem -LiteralPath $out -Recurse -Force -ErrorAction SilentlyContinue).Count | Should -Be 0
            Test-Path -LiteralPath (Join-Path -Path $store -ChildPath 'restores') | Should -BeFalse
        }

        It 'shows mapped targets' {
            $plan = Get-RestorePlan sample -StorageLocation $store -ToDirectory $out -NamespaceMapping @{ demo = 'demo-copy' }

            $web = $plan | Where-Object { $_.Resource -eq 'deployments.apps' -and $_.Name -eq 'web' }
            $web.TargetNamespace | Should -Be 'demo-copy'
        }

        It 'says why items are left out' {
            $plan = @(Get-RestorePlan sample -StorageLocation $store -ToDirectory $out -Object deployments.apps/demo/web)

            (@(@($plan | Where-Object Action -EQ 'Create' | Where-Object { -not $_.IsNamespace -and -not $_.IsAdditionalItem }).Name) -join ',') | Should -Be 'web'
            $excluded = @($plan | Where-Object Action -EQ 'Exclude')
            $excluded.Count | Should -BeGreaterThan 0
            $excluded | ForEach-Object { $_.Reason | Should -Not -BeNullOrEmpty }
        }

        It 'takes Backup objects from Get-Backup' {
            $plan = Get-Backup -StorageLocation $store -Name sample | Get-RestorePlan -ToDirectory $out -IncludeResource configmaps

            (@(@($plan | Where-Object Action -EQ 'Create' | Where-Object { -not $_.IsNamespace }).Resource | Sort-Object -Unique) -join ',') | Should -Be 'configmaps'
        }

        It 'plans the newest Completed backup of a schedule' {
            $plan = @(Get-RestorePlan -Schedule daily -StorageLocation $store -ToDirectory $out)

            $plan[0].Backup | Should -Be $scheduled
        }

        It 'plans what a manifest says' {
            $manifest = Join-Path -Path $TestDrive -ChildPath 'plan.json'
            Set-Content -LiteralPath $manifest -Encoding utf8 -Value '{"apiVersion":"velero.io/v1","kind":"Restore","metadata":{"name":"planned"},"spec":{"backupName":"sample","includedResources":["services"]}}'

            $plan = @(Get-RestorePlan -Manifest $manifest -StorageLocation $store -ToDirectory $out)

            $plan[0].Restore | Should -Be 'planned'
            (@(@($plan | Where-Object Action -EQ 'Create' | Where-Object { -not $_.IsNamespace }).Resource | Sort-Object -Unique) -join ',') | Should -Be 'services'
        }

        It 'has a table view' {
            $text = Get-RestorePlan sample -StorageLocation $store -ToDirectory $out | Out-String

            $text | Should -Match 'Action'
            $text | Should -Match 'Reason'
            $text | Should -Match 'Deployment +demo/web'
        }

        It 'stops with GetRestorePlanBackupNotFound for an unknown backup' {
            $thrown = Get-ThrownError { Get-RestorePlan missing -StorageLocation $store -ToDirectory $out -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'GetRestorePlanBackupNotFound,*'
        }

        It 'stops with GetRestorePlanInvalidArgument for a bad selector' {
            $thrown = Get-ThrownError { Get-RestorePlan sample -StorageLocation $store -ToDirectory $out -LabelSelector 'a in (' -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'GetRestorePlanInvalidArgument,*'
        }

        It 'stops with GetRestorePlanInvalidArgument for a malformed -SensitiveObject pattern' {
            $thrown = Get-ThrownError { Get-RestorePlan sample -StorageLocation $store -ToDirectory $out -SensitiveObject 'a/b/c/d' -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'GetRestorePlanInvalidArgument,*'
        }
    }

    Context 'Against a cluster' {
        BeforeAll {
            $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'cluster-store')
            $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig'
            $server = Start-TestApiServer -KubeConfig $kubeconfig
            $common = @{ StorageLocation = $store; KubeConfig = $kubeconfig; IncludeResource = @('deployments.apps', 'configmaps', 'namespaces') }
        }

        AfterAll {
            Stop-TestApiServer -Process $server
        }

        It 'predicts Create, then Skip once restored, then Update when the backup differs' {
            $before = Get-RestorePlan sample @common | Where-Object { $_.Resource -eq 'deployments.apps' -and $_.Name -eq 'web' }
            $before.Action | Should -Be 'Create'
            $before.Prediction | Should -Be 'Create'
            $before.Target | Should -Be 'restore-test-token'

            $null = New-Restore sample -Name planned-restore @common -WarningAction SilentlyContinue

            $after = Get-RestorePlan sample @common | Where-Object { $_.Resource -eq 'deployments.apps' -and $_.Name -eq 'web' }
            $after.Action | Should -Be 'Skip'
            $after.Prediction | Should -Be 'AlreadyExistsSkip'

            $changed = Get-RestorePlan sample @common -ExistingResourcePolicy Update -ImageMapping @{ nginxinc = 'mirror.example/nginxinc' } |
                Where-Object { $_.Resource -eq 'deployments.apps' -and $_.Name -eq 'web' }
            $changed.Action | Should -Be 'Update'
            $changed.Differences.Count | Should -BeGreaterThan 0
            $changed.Reason | Should -Match 'differs'
        }

        It 'writes nothing to the storage location' {
            $before = @(Get-ChildItem -LiteralPath (Join-Path -Path $store -ChildPath 'restores') -Directory -ErrorAction SilentlyContinue).Count
            $null = Get-RestorePlan sample @common
            @(Get-ChildItem -LiteralPath (Join-Path -Path $store -ChildPath 'restores') -Directory -ErrorAction SilentlyContinue).Count | Should -Be $before
        }
    }
}
