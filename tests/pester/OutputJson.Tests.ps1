#Requires -Version 7.0
# Runbooks log output as JSON: ConvertTo-Json of every output type must write words, never enum numbers, with or
# without -EnumsAsStrings; and the words still compare in Where-Object.

Describe 'ConvertTo-Json of the output objects' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
        # A spec with every optional word set, namespaceMatching included.
        $manifest = Join-Path -Path $TestDrive -ChildPath 'restore.yaml'
        Set-Content -LiteralPath $manifest -Encoding utf8 -Value @'
apiVersion: velero.io/v1
kind: Restore
metadata:
  name: json-run
spec:
  backupName: sample
  namespaceMatching: Expand
  includedNamespaces: ['*']
'@
        $restore = New-Restore -Manifest $manifest -StorageLocation $store -ToDirectory (Join-Path -Path $TestDrive -ChildPath 'out') -WarningAction SilentlyContinue
        $objects = @{
            Backup      = Get-Backup sample -StorageLocation $store
            BackupItem  = Get-BackupItem sample -StorageLocation $store | Select-Object -First 1
            PlanItem    = Get-RestorePlan sample -StorageLocation $store -ToDirectory (Join-Path -Path $TestDrive -ChildPath 'plan') | Select-Object -First 1
            Restore     = Get-Restore json-run -StorageLocation $store
            NewRestore  = $restore
            Target      = (Get-Restore json-run -StorageLocation $store).Targets[0]
            RestoreItem = Get-RestoreItem json-run -StorageLocation $store | Select-Object -First 1
            LogEntry    = Get-RestoreLog json-run -StorageLocation $store | Select-Object -First 1
        }
    }

    AfterAll {
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    It '<_> converts the same with and without -EnumsAsStrings' -ForEach @('Backup', 'BackupItem', 'PlanItem', 'Restore', 'NewRestore', 'Target', 'RestoreItem', 'LogEntry') {
        $object = $objects[$_]
        $object | Should -Not -BeNullOrEmpty

        $plain = $object | ConvertTo-Json -Depth 10 -Compress -WarningAction SilentlyContinue
        $words = $object | ConvertTo-Json -Depth 10 -Compress -EnumsAsStrings -WarningAction SilentlyContinue

        $plain | Should -BeExactly $words
    }

    It 'writes the words: <Object>.<Property> is "<Expected>"' -ForEach @(
        @{ Object = 'PlanItem'; Property = 'Action'; Expected = 'Create' }
        @{ Object = 'PlanItem'; Property = 'Decision'; Expected = 'Create' }
        @{ Object = 'PlanItem'; Property = 'Prediction'; Expected = 'NotChecked' }
        @{ Object = 'RestoreItem'; Property = 'Action'; Expected = '*' }
        @{ Object = 'LogEntry'; Property = 'Level'; Expected = 'Info' }
        @{ Object = 'Restore'; Property = 'Phase'; Expected = 'Completed' }
        @{ Object = 'Target'; Property = 'Phase'; Expected = 'Completed' }
        @{ Object = 'Backup'; Property = 'Phase'; Expected = 'Completed' }
    ) {
        $json = $objects[$Object] | ConvertTo-Json -Depth 3 | ConvertFrom-Json -AsHashtable

        $json[$Property] | Should -BeOfType [string]
        $json[$Property] | Should -BeLike $Expected
    }

    It 'keeps the spec''s namespaceMatching as a word' {
        ($objects.Restore | ConvertTo-Json -Depth 4 | ConvertFrom-Json -AsHashtable).Spec.NamespaceMatching | Should -BeExactly 'Expand'
    }

    It 'still filters with Where-Object on the words' {
        @(Get-RestoreItem json-run -StorageLocation $store | Where-Object Action -EQ 'created').Count | Should -BeGreaterThan 0
        @(Get-RestoreItem json-run -StorageLocation $store -Action created | Where-Object Action -NE 'Created').Count | Should -Be 0
        @(Get-RestoreLog json-run -StorageLocation $store | Where-Object Level -EQ 'Info').Count | Should -BeGreaterThan 0
        @(Get-RestorePlan sample -StorageLocation $store -ToDirectory (Join-Path -Path $TestDrive -ChildPath 'plan') | Where-Object Action -EQ 'Create').Count | Should -BeGreaterThan 0
    }
}
