#Requires -Version 7.0
# Remove-Restore: -WhatIf, confirmation, running restores, pipeline input; never the restored objects.

Describe 'Remove-Restore' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
        $out = Join-Path -Path $TestDrive -ChildPath 'out'
        $null = New-Restore sample -Name gone -StorageLocation $store -ToDirectory $out -WarningAction SilentlyContinue
        foreach ($name in 'a', 'ab', 'tmp-1', 'tmp-2') {
            $null = New-Restore sample -Name $name -StorageLocation $store -ToDirectory (Join-Path -Path $TestDrive -ChildPath "out-$name") -WarningAction SilentlyContinue
        }
        Set-TestRestoreRecord -StorageLocation $store -Name live-run -LastUpdate ([datetime]::UtcNow.AddMinutes(10))
        Set-TestRestoreRecord -StorageLocation $store -Name dead-run -LastUpdate ([datetime]::UtcNow.AddMinutes(-30))
        function Test-RestoreFolder([string] $Name) { Test-Path -LiteralPath (Join-Path -Path $store -ChildPath "restores/$Name") }
    }

    AfterAll {
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    It 'deletes nothing with -WhatIf' {
        Remove-Restore gone -StorageLocation $store -WhatIf

        Test-RestoreFolder gone | Should -BeTrue
    }

    It 'deletes every file of the restore but none of the restored objects' {
        $files = @(Get-ChildItem -LiteralPath $out -Recurse -File).Count

        Remove-Restore gone -StorageLocation $store -Confirm:$false

        Test-RestoreFolder gone | Should -BeFalse
        @(Get-ChildItem -LiteralPath $out -Recurse -File).Count | Should -Be $files
        Get-Restore gone -StorageLocation $store -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'deletes restore a without touching restore ab' {
        Remove-Restore a -StorageLocation $store -Confirm:$false

        Test-RestoreFolder a | Should -BeFalse
        Test-RestoreFolder ab | Should -BeTrue
    }

    It 'takes restores from Get-Restore' {
        Get-Restore -StorageLocation $store -Name tmp-* | Remove-Restore -Confirm:$false

        Test-RestoreFolder tmp-1 | Should -BeFalse
        Test-RestoreFolder tmp-2 | Should -BeFalse
        Test-RestoreFolder ab | Should -BeTrue
    }

    It 'refuses a running restore with RemoveRestoreStillRunning' {
        Remove-Restore live-run -StorageLocation $store -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue

        Test-RestoreFolder live-run | Should -BeTrue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'RemoveRestoreStillRunning,*'
        $problems[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        $problems[0].TargetObject.Name | Should -Be 'live-run'
    }

    It 'deletes a running restore with -Force' {
        Remove-Restore live-run -StorageLocation $store -Force -Confirm:$false

        Test-RestoreFolder live-run | Should -BeFalse
    }

    It 'deletes an abandoned restore without -Force' {
        Remove-Restore dead-run -StorageLocation $store -Confirm:$false

        Test-RestoreFolder dead-run | Should -BeFalse
    }

    It 'reports a missing restore as RemoveRestoreRestoreNotFound' {
        Remove-Restore nope -StorageLocation $store -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue

        $problems[0].FullyQualifiedErrorId | Should -BeLike 'RemoveRestoreRestoreNotFound,*'
    }

    It 'declares a High confirm impact' {
        $command = Get-Command Remove-Restore
        $attribute = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0]

        $attribute.ConfirmImpact | Should -Be 'High'
        $attribute.SupportsShouldProcess | Should -BeTrue
    }
}
