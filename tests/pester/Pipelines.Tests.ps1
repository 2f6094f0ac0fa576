#Requires -Version 7.0
# The pipelines the README and the help pages show, each with objects that carry their own storage location (no
# -StorageLocation downstream, no RESTORE_STORAGE_LOCATION): what binds, and that nothing else does.

Describe 'Documented pipelines' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
        $daily = Add-ScheduledCopyOfSample -StorageLocation $store -Schedule daily -Started ([datetime]::new(2025, 2, 1, 2, 0, 0, [System.DateTimeKind]::Utc))
        $null = New-Restore sample -Name from-sample -StorageLocation $store -ToDirectory (Join-Path -Path $TestDrive -ChildPath 'out-1') -WarningAction SilentlyContinue
        $null = New-Restore $daily -Name from-daily -StorageLocation $store -ToDirectory (Join-Path -Path $TestDrive -ChildPath 'out-2') -WarningAction SilentlyContinue
        $savedLocation = $env:RESTORE_STORAGE_LOCATION
        Remove-Item -Path Env:RESTORE_STORAGE_LOCATION -ErrorAction SilentlyContinue
    }

    AfterAll {
        $env:RESTORE_STORAGE_LOCATION = $savedLocation
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    It 'Get-Backup | Get-Restore lists the restores of the piped backups, without errors' {
        $restores = @(Get-Backup sample -StorageLocation $store | Get-Restore -ErrorVariable problems)

        ($restores.Name -join ',') | Should -Be 'from-sample'
        $problems.Count | Should -Be 0
        (@(Get-Backup -StorageLocation $store | Get-Restore).Name | Sort-Object) -join ',' | Should -Be 'from-daily,from-sample'
    }

    It 'Get-Backup | Get-Restore still applies the other filters' {
        @(Get-Backup sample -StorageLocation $store | Get-Restore -Name 'from-d*').Count | Should -Be 0
        @(Get-Backup sample -StorageLocation $store | Get-Restore -Status Failed).Count | Should -Be 0
        (@(Get-Backup -StorageLocation $store | Get-Restore -Schedule daily).Name -join ',') | Should -Be 'from-daily'
    }

    It 'Get-Restore | Get-Restore reads the same restores again, and names bind by value' {
        (@(Get-Restore from-sample -StorageLocation $store | Get-Restore).Name -join ',') | Should -Be 'from-sample'
        (@('from-daily' | Get-Restore -StorageLocation $store).Name -join ',') | Should -Be 'from-daily'
    }

    It 'Get-Backup | New-Restore restores the piped backup' {
        $restore = Get-Backup $daily -StorageLocation $store | New-Restore -Name piped-new -ToDirectory (Join-Path -Path $TestDrive -ChildPath 'out-3') -WarningAction SilentlyContinue

        $restore.Name | Should -Be 'piped-new'
        $restore.Backup | Should -Be $daily
        $restore.StorageLocation | Should -Be $store
    }

    It 'Get-Backup | Get-BackupItem lists the items of the piped backup' {
        $items = @(Get-Backup sample -StorageLocation $store | Get-BackupItem)

        $items.Count | Should -BeGreaterThan 0
        @($items.Backup | Sort-Object -Unique) | Should -Be 'sample'
    }

    It 'Get-Backup | Get-RestorePlan plans the piped backup' {
        $plan = @(Get-Backup $daily -StorageLocation $store | Get-RestorePlan -ToDirectory (Join-Path -Path $TestDrive -ChildPath 'out-plan'))

        $plan.Count | Should -BeGreaterThan 0
        @($plan.Backup | Sort-Object -Unique) | Should -Be $daily
    }

    It 'Get-Restore | Get-RestoreItem lists the items of the piped restore' {
        $items = @(Get-Restore from-sample -StorageLocation $store | Get-RestoreItem)

        $items.Count | Should -BeGreaterThan 0
        @($items.Restore | Sort-Object -Unique) | Should -Be 'from-sample'
    }

    It 'Get-Restore | Get-RestoreLog reads the log of the piped restore' {
        $entries = @(Get-Restore from-daily -StorageLocation $store | Get-RestoreLog)

        $entries.Count | Should -BeGreaterThan 0
        @($entries.Restore | Sort-Object -Unique) | Should -Be 'from-daily'
    }

    It 'Get-Restore | Remove-Restore deletes the piped restore only' {
        Get-Restore piped-new -StorageLocation $store | Remove-Restore -Confirm:$false

        (@(Get-Restore -StorageLocation $store).Name | Sort-Object) -join ',' | Should -Be 'from-daily,from-sample'
    }
}
