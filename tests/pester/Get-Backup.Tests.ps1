#Requires -Version 7.0
# Get-Backup: names and wildcards, schedule and phase filters, -Latest, pipeline input, errors.

Describe 'Get-Backup' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
        $day = { param($d) [datetime]::new(2025, 2, $d, 2, 0, 0, [System.DateTimeKind]::Utc) }
        $completed = Add-ScheduledCopyOfSample -StorageLocation $store -Schedule daily -Started (& $day 1)
        $partial = Add-ScheduledCopyOfSample -StorageLocation $store -Schedule daily -Started (& $day 2) -Phase PartiallyFailed
        $failed = Add-ScheduledCopyOfSample -StorageLocation $store -Schedule daily -Started (& $day 3) -Phase Failed
        $weekly = Add-ScheduledCopyOfSample -StorageLocation $store -Schedule weekly -Started (& $day 4) -Phase PartiallyFailed
    }

    AfterAll {
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    It 'lists every backup as a typed object, newest first' {
        $backups = @(Get-Backup -StorageLocation $store)

        ($backups.Name -join ',') | Should -Be "$weekly,$failed,$partial,$completed,sample"
        $backups[0].GetType().FullName | Should -Be 'Restore.Engine.Api.BackupInfo'
        $sample = $backups | Where-Object Name -EQ 'sample'
        $sample.Phase | Should -Be 'Completed'
        $sample.ItemsBackedUp | Should -Be 9
        (@($sample.IncludedNamespaces) -join ',') | Should -Be 'demo'
        $sample.StorageLocation | Should -Be $store
    }

    It 'selects names with wildcards, case-insensitively, and from the pipeline' {
        (@(Get-Backup SAMP* -StorageLocation $store).Name -join ',') | Should -Be 'sample'
        @(Get-Backup -Name 'daily-*' -StorageLocation $store).Count | Should -Be 3
        (@('sample', $completed | Get-Backup -StorageLocation $store).Name -join ',') | Should -Be "sample,$completed"
    }

    It 'filters on schedule and phase' {
        (@(Get-Backup -StorageLocation $store -Schedule weekly).Name -join ',') | Should -Be $weekly
        (@(Get-Backup -StorageLocation $store -Schedule daily -Phase Failed, PartiallyFailed).Name -join ',') | Should -Be "$failed,$partial"
    }

    It 'picks the newest Completed backup with -Latest, or PartiallyFailed with -AllowPartiallyFailed' {
        (Get-Backup -StorageLocation $store -Schedule daily -Latest).Name | Should -Be $completed
        (Get-Backup -StorageLocation $store -Schedule daily -Latest -AllowPartiallyFailed).Name | Should -Be $partial
        (Get-Backup -StorageLocation $store -Latest).Name | Should -Be $completed
    }

    It 'reports GetBackupNoLatestBackup when no backup qualifies' {
        $found = Get-Backup -StorageLocation $store -Schedule weekly -Latest -ErrorVariable problems -ErrorAction SilentlyContinue

        $found | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'GetBackupNoLatestBackup,*'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].Exception.Message | Should -Match 'weekly'
    }

    It 'reports a missing backup as GetBackupBackupNotFound and goes on' {
        $found = Get-Backup -Name nope, sample -StorageLocation $store -ErrorVariable problems -ErrorAction SilentlyContinue

        (@($found).Name -join ',') | Should -Be 'sample'
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'GetBackupBackupNotFound,*'
        $problems[0].TargetObject | Should -Be 'nope'
    }

    It 'stops with GetBackupStorageNotFound for a folder that does not exist' {
        $thrown = Get-ThrownError { Get-Backup -StorageLocation (Join-Path -Path $TestDrive -ChildPath 'nowhere') -ErrorAction Stop }

        $thrown.FullyQualifiedErrorId | Should -BeLike 'GetBackupStorageNotFound,*'
        $thrown.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
