#Requires -Version 7.0
# What Get-Help says beyond the text: default values as the engine runs them, and each cmdlet's online page.

BeforeDiscovery {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
    $cmdletNames = @((Import-PowerShellDataFile -LiteralPath (Get-RestoreManifestPath)).CmdletsToExport)
}

Describe 'Help metadata' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
        # The engine loads in its own context; reach its constants through the loaded assembly.
        $engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Restore.Engine' } | Select-Object -First 1
        $request = $engine.GetType('Restore.Engine.Api.RestoreParameters', $true)
        function Get-EngineConstant([string] $Name) { [string]::Format([cultureinfo]::InvariantCulture, '{0}', $request.GetField($Name).GetValue($null)) }
    }

    AfterAll {
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    It 'New-Restore -<Parameter> shows the default the engine uses' -ForEach @(
        @{ Parameter = 'Qps'; Constant = 'DefaultQps'; Suffix = '' }
        @{ Parameter = 'Burst'; Constant = 'DefaultBurst'; Suffix = ' (twice -Qps when -Qps is given)' }
        @{ Parameter = 'Parallel'; Constant = 'DefaultParallel'; Suffix = '' }
        @{ Parameter = 'ItemOperationTimeout'; Constant = 'DefaultItemOperationTimeout'; Suffix = '' }
    ) {
        $expected = (Get-EngineConstant $Constant) + $Suffix

        (Get-Help -Name New-Restore -Parameter $Parameter).defaultValue | Should -BeExactly $expected
        (Get-Help -Name New-Restore -Full | Out-String -Width 200) | Should -Match ("-$Parameter <[^>]+>(?s:.*?)Default value\s+" + [regex]::Escape($expected))
    }

    It 'the Qps and Burst defaults are 1000 and 2000' {
        Get-EngineConstant DefaultQps | Should -Be '1000'
        (Get-Help -Name New-Restore -Parameter Burst).defaultValue | Should -BeLike '2000 *'
    }

    It '<_> links to its own docs page' -ForEach $cmdletNames {
        $uri = (Get-Command -Name $_ -Module Restore).HelpUri

        $uri | Should -Match '^https://'
        $uri | Should -BeLike "*/docs/$_.md"
        (Get-Help -Name $_).relatedLinks.navigationLink.uri | Should -Contain $uri
    }
}
