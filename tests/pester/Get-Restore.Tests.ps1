#Requires -Version 7.0
# Get-Restore: filters, liveness (running, abandoned), folders without a record, views, pipeline and completion.

Describe 'Get-Restore' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
        $scheduled = Add-ScheduledCopyOfSample -StorageLocation $store -Schedule daily -Started ([datetime]::new(2025, 2, 1, 2, 0, 0, [System.DateTimeKind]::Utc))
        $outA = Join-Path -Path $TestDrive -ChildPath 'out-a'
        $null = New-Restore sample -Name restore-a -StorageLocation $store -ToDirectory $outA -Label @{ ticket = 'inc-1' } -Description 'first' -WarningAction SilentlyContinue
        Start-Sleep -Seconds 1
        $null = New-Restore -Schedule daily -Name restore-b -StorageLocation $store -ToDirectory (Join-Path -Path $TestDrive -ChildPath 'out-b') -WarningAction SilentlyContinue
        Set-TestRestoreRecord -StorageLocation $store -Name dead-run -LastUpdate ([datetime]::UtcNow.AddMinutes(-30))
        Set-TestRestoreRecord -StorageLocation $store -Name live-run -LastUpdate ([datetime]::UtcNow)
        Write-TestGzip -Path (Join-Path -Path $store -ChildPath 'restores/velero-made/restore-velero-made-results.gz') `
            -Text '{"errors":{"namespaces":{"shop":["error restoring"]}},"warnings":{"velero":["w1"],"cluster":["w2"]}}'
    }

    AfterAll {
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    It 'lists every restore as a typed object' {
        $all = @(Get-Restore -StorageLocation $store)

        (@($all.Name | Sort-Object) -join ',') | Should -Be 'dead-run,live-run,restore-a,restore-b,velero-made'
        $all[0].GetType().FullName | Should -Be 'Restore.Engine.Api.RestoreInfo'
        $a = $all | Where-Object Name -EQ 'restore-a'
        $a.Phase | Should -Be 'Completed'
        $a.Backup | Should -Be 'sample'
        $a.Description | Should -Be 'first'
        $a.StorageLocation | Should -Be $store
        $a.CreationTimestamp.Kind | Should -Be 'Utc'
    }

    It 'lists newest first' {
        $names = @(Get-Restore -StorageLocation $store -Name restore-*).Name

        ($names -join ',') | Should -Be 'restore-b,restore-a'
    }

    It 'selects names with wildcards, case-insensitively' {
        (@(Get-Restore RESTORE-A -StorageLocation $store).Name -join ',') | Should -Be 'restore-a'
        @(Get-Restore -StorageLocation $store -Name '*-run').Count | Should -Be 2
    }

    It 'reports a missing name as GetRestoreRestoreNotFound and goes on' {
        $found = Get-Restore -Name nope, restore-a -StorageLocation $store -ErrorVariable problems -ErrorAction SilentlyContinue

        (@($found).Name -join ',') | Should -Be 'restore-a'
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'GetRestoreRestoreNotFound,*'
        $problems[0].TargetObject | Should -Be 'nope'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'shows a dead run as abandoned' {
        $dead = Get-Restore dead-run -StorageLocation $store

        $dead.IsAbandoned | Should -BeTrue
        $dead.IsRunning | Should -BeFalse
        $dead.Status | Should -Be 'InProgress (abandoned)'
        $dead.StatusNote | Should -Match 'heartbeat'
        $dead.StatusNote | Should -Match '4 of 10'
    }

    It 'shows a live run as running' {
        $live = Get-Restore live-run -StorageLocation $store

        $live.IsRunning | Should -BeTrue
        $live.IsAbandoned | Should -BeFalse
        $live.Status | Should -Be 'InProgress'
    }

    It 'filters on status: <Status>' -ForEach @(
        @{ Status = 'Abandoned'; Expected = 'dead-run' }
        @{ Status = 'Running'; Expected = 'live-run' }
        @{ Status = 'Unknown'; Expected = 'velero-made' }
        @{ Status = 'In*'; Expected = 'dead-run,live-run' }
    ) {
        (@(Get-Restore -StorageLocation $store -Status $Status).Name | Sort-Object) -join ',' | Should -Be $Expected
    }

    It 'shows a folder without a record, with the counts of its results' {
        $velero = Get-Restore velero-made -StorageLocation $store

        $velero.HasRecord | Should -BeFalse
        $velero.Status | Should -Be 'Unknown'
        $velero.Errors | Should -Be 1
        $velero.Warnings | Should -Be 2
    }

    It 'filters on labels, creator, target, backup and schedule' {
        (@(Get-Restore -StorageLocation $store -Label @{ ticket = 'inc-*' }).Name -join ',') | Should -Be 'restore-a'
        $creator = (Get-Restore restore-a -StorageLocation $store).CreatedBy
        $creator | Should -Not -BeNullOrEmpty
        (@(Get-Restore -StorageLocation $store -CreatedBy ([WildcardPattern]::Escape($creator))).Name | Sort-Object) -join ',' | Should -Be 'restore-a,restore-b'
        (@(Get-Restore -StorageLocation $store -Cluster '*out-a').Name -join ',') | Should -Be 'restore-a'
        (@(Get-Restore -StorageLocation $store -Backup $scheduled).Name -join ',') | Should -Be 'restore-b'
        (@(Get-Restore -StorageLocation $store -Schedule daily).Name -join ',') | Should -Be 'restore-b'
        @(Get-Restore -StorageLocation $store -Schedule weekly).Count | Should -Be 0
    }

    It 'lists the restores of backups piped from Get-Backup' {
        $names = @(Get-Backup -StorageLocation $store -Name sample | Get-Restore).Name | Sort-Object

        ($names -join ',') | Should -Be 'dead-run,live-run,restore-a'
    }

    It 'holds the Restore object as YAML in Manifest' {
        $manifest = (Get-Restore restore-a -StorageLocation $store).Manifest

        $manifest | Should -Match '(?m)^apiVersion: velero.io/v1$'
        $manifest | Should -Match '(?m)^kind: Restore$'
        $manifest | Should -Match 'backupName: sample'
    }

    It 'has a table and a list view' {
        $table = Get-Restore -StorageLocation $store | Out-String
        $list = Get-Restore restore-a -StorageLocation $store | Format-List | Out-String

        $table | Should -Match 'Status'
        $table | Should -Match 'CreatedBy'
        $list | Should -Match 'Restored\s*:\s*\d+ of \d+'
        $list | Should -Match 'IncludedNamespaces'
    }

    It 'uses RESTORE_STORAGE_LOCATION when -StorageLocation is not given' {
        $saved = $env:RESTORE_STORAGE_LOCATION
        try {
            $env:RESTORE_STORAGE_LOCATION = $store
            (@(Get-Restore restore-a).Name -join ',') | Should -Be 'restore-a'
        }
        finally {
            $env:RESTORE_STORAGE_LOCATION = $saved
        }
    }

    It 'stops with GetRestoreStorageNotFound for a folder that does not exist' {
        $thrown = Get-ThrownError { Get-Restore -StorageLocation (Join-Path -Path $TestDrive -ChildPath 'nowhere') -ErrorAction Stop }

        $thrown.FullyQualifiedErrorId | Should -BeLike 'GetRestoreStorageNotFound,*'
    }

    It 'completes restore names' {
        $line = "Get-Restore -StorageLocation '$store' -Name restore-"
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches

        (@($completions.CompletionText | Sort-Object) -join ',') | Should -Be 'restore-a,restore-b'
    }
}
