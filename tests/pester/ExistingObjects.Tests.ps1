#Requires -Version 7.0
# New-Restore over objects that already exist (issue #13): one that differs is Skipped with Velero's warning, never an
# error, and every place that reports it agrees (streams, $?, Get-Restore, Get-RestoreItem, Get-RestorePlan).
# A first restore with -ImageMapping leaves a Deployment that differs from the backup; restoring the backup again meets it.

Describe 'New-Restore over existing objects' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig'
        $server = Start-TestApiServer -KubeConfig $kubeconfig
        $scope = @{ StorageLocation = $store; KubeConfig = $kubeconfig; IncludeNamespace = 'demo'; IncludeResource = 'deployments.apps', 'namespaces' }
        $changedImage = @{ 'nginxinc/nginx-unprivileged' = 'registry.example/nginx' }
        $null = New-Restore sample -Name seeded @scope -ImageMapping $changedImage -ErrorAction Stop
        $veleroWarning = 'could not restore, Deployment:web already exists. Warning: the in-cluster version is different than the backed-up version'
        $why = 'already exists and differs from the backed-up version (at spec.template.spec.containers[0].image); left as it is (existing-resource policy None)'
    }

    AfterAll {
        Stop-TestApiServer -Process $server
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    Context 'an object that differs, policy None (the default)' {
        BeforeAll {
            $restore = New-Restore sample -Name differs @scope -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable failures -ErrorAction SilentlyContinue
            $succeeded = $?
        }

        It 'writes no error, so $? is true' {
            @($failures).Count | Should -Be 0
            $succeeded | Should -BeTrue
        }

        It 'writes Velero''s warning once on the warning stream' {
            @($warnings).Count | Should -Be 1
            $warnings[0].Message | Should -BeLike "$veleroWarning*"
        }

        It 'ends Completed with one warning and no error' {
            $restore.Phase | Should -Be 'Completed'
            $restore.Warnings | Should -Be 1
            $restore.Errors | Should -Be 0
            $stored = Get-Restore -Name differs -StorageLocation $store
            ($stored.Phase, $stored.Warnings, $stored.Errors) | Should -Be @('Completed', 1, 0)
        }

        It 'shows the item Skipped with why' {
            $item = Get-RestoreItem differs -StorageLocation $store | Where-Object { $_.Resource -eq 'deployments.apps' -and $_.Name -eq 'web' }

            $item.Action | Should -Be 'Skipped'
            $item.Message | Should -Be $why
            @(Get-RestoreItem differs -StorageLocation $store -Action Failed).Count | Should -Be 0
        }

        It 'was predicted by Get-RestorePlan: the same action, reason and warning' {
            $line = Get-RestorePlan sample @scope | Where-Object { $_.Resource -eq 'deployments.apps' -and $_.Name -eq 'web' }

            $line.Action | Should -Be 'Skip'
            $line.Reason | Should -Be $why
            $line.Warnings | Should -Be @("Namespace demo: $veleroWarning")
        }
    }

    It 'words the warning as Velero does for -ExistingResourcePolicy None' {
        $restore = New-Restore sample -Name differs-none @scope -ExistingResourcePolicy None -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable failures -ErrorAction SilentlyContinue

        @($failures).Count | Should -Be 0
        ($restore.Phase, $restore.Warnings, $restore.Errors) | Should -Be @('Completed', 1, 0)
        @($warnings | Where-Object Message -Like 'could not restore, Deployment "web" already exists. Warning: the in-cluster version is different than the backed-up version*').Count | Should -Be 1
        (Get-RestoreItem differs-none -StorageLocation $store -Resource deployments.apps).Action | Should -Be 'Skipped'
    }

    It 'skips an object that is the same, with no warning' {
        $restore = New-Restore sample -Name same @scope -ImageMapping $changedImage -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable failures -ErrorAction SilentlyContinue

        @($failures).Count | Should -Be 0
        @($warnings).Count | Should -Be 0
        ($restore.Phase, $restore.Warnings, $restore.Errors) | Should -Be @('Completed', 0, 0)
        $item = Get-RestoreItem same -StorageLocation $store -Resource deployments.apps
        ($item.Action, $item.Message) | Should -Be @('Skipped', 'already exists and is the same as the backed-up version')
    }
}
