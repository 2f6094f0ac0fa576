#Requires -Version 7.0
# Get-RestoreLog: parsed entries, -Raw, -Level, -Tail, pipeline input, Velero's JSON log layout.

Describe 'Get-RestoreLog' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
        $null = New-Restore sample -Name logged -StorageLocation $store -ToDirectory (Join-Path -Path $TestDrive -ChildPath 'out') -WarningAction SilentlyContinue
        $veleroLog = @(
            'time="2025-03-04T10:11:12Z" level=info msg="starting restore" logSource="pkg/controller/restore_controller.go:571" restore=velero/velero-made'
            'time="2025-03-04T10:11:13Z" level=info msg="Attempting to restore Pod: web-0." groupResource=pods logSource="pkg/restore/restore.go:1530" namespace=shop original name=web-0 restore=velero/velero-made'
            'time="2025-03-04T10:11:20Z" level=warning msg="Namespace shop, resource restore warning: could not restore, ConfigMap:cfg already exists." logSource="pkg/controller/restore_controller.go:613" restore=velero/velero-made'
            '{"error.message":"boom","level":"error","msg":"error restoring","namespace":"shop","time":"2025-03-04T10:11:21Z"}'
            'time="2025-03-04T10:11:22Z" level=info msg="restore completed" logSource="pkg/controller/restore_controller.go:620" restore=velero/velero-made'
        ) -join "`n"
        Write-TestGzip -Path (Join-Path -Path $store -ChildPath 'restores/velero-made/restore-velero-made-logs.gz') -Text ($veleroLog + "`n")
    }

    AfterAll {
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    It 'returns the log of a restore as typed entries' {
        $entries = @(Get-RestoreLog logged -StorageLocation $store)

        $entries.Count | Should -BeGreaterThan 0
        $entries[0].GetType().FullName | Should -Be 'Restore.Engine.Api.RestoreLogEntry'
        $entries | ForEach-Object { $_.Unparsed | Should -BeFalse }
        $entries[0].Restore | Should -Be 'logged'
        $entries[0].Time | Should -Not -BeNullOrEmpty
        $entries[0].Fields['restore'] | Should -BeLike '*logged'
    }

    It 'parses Velero''s text and JSON lines and the item fields' {
        $entries = @(Get-RestoreLog velero-made -StorageLocation $store)

        $entries.Count | Should -Be 5
        $entries[1].Namespace | Should -Be 'shop'
        $entries[1].Resource | Should -Be 'pods'
        $entries[1].ItemName | Should -Be 'web-0'
        $entries[3].Level | Should -Be 'Error'
        $entries[3].Error | Should -Be 'boom'
    }

    It 'returns the lines as stored with -Raw' {
        $lines = @(Get-RestoreLog velero-made -StorageLocation $store -Raw)

        $lines.Count | Should -Be 5
        $lines[0] | Should -BeOfType [string]
        $lines[0] | Should -BeLike 'time="2025-03-04T10:11:12Z" level=info msg="starting restore"*'
    }

    It 'keeps lines at -Level or above, then the last -Tail' {
        (@(Get-RestoreLog velero-made -StorageLocation $store -Level Warning).Level -join ',') | Should -Be 'Warning,Error'
        (@(Get-RestoreLog velero-made -StorageLocation $store -Tail 2).Message -join ',') | Should -Be 'error restoring,restore completed'
        @(Get-RestoreLog velero-made -StorageLocation $store -Level Warning -Tail 1 -Raw)[0] | Should -BeLike '{"error.message":"boom"*'
        @(Get-RestoreLog velero-made -StorageLocation $store -Tail 0).Count | Should -Be 0
    }

    It 'takes restores from Get-Restore' {
        $restores = @(Get-Restore -StorageLocation $store | Get-RestoreLog | Select-Object -ExpandProperty Restore -Unique)

        (@($restores | Sort-Object) -join ',') | Should -Be 'logged,velero-made'
    }

    It 'reports a missing restore as GetRestoreLogRestoreNotFound' {
        $entries = Get-RestoreLog nope -StorageLocation $store -ErrorVariable problems -ErrorAction SilentlyContinue

        $entries | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'GetRestoreLogRestoreNotFound,*'
    }

    It 'has a table view' {
        $text = Get-RestoreLog velero-made -StorageLocation $store | Out-String

        $text | Should -Match 'Level'
        $text | Should -Match 'starting restore'
    }
}
