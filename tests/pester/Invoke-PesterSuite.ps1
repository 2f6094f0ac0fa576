#Requires -Version 7.0
<#
.SYNOPSIS
    Runs the Pester suite in this folder against a built Restore module.
.DESCRIPTION
    Used by tests/Restore.PowerShell.Tests (PesterSuiteTests) through `dotnet test`, and by hand.
    Prints one summary line, "PESTER-SUMMARY result=... total=... passed=... failed=... skipped=...",
    and exits 1 when any test, block or container failed, or when no test passed.
.PARAMETER ModuleManifest
    The Restore.psd1 of the laid-out module (out/Restore/<version>/Restore.psd1 after ./build.ps1).
.PARAMETER PesterModule
    Pester.psd1 of Pester 5. Default: the newest Pester 5 that Get-Module -ListAvailable finds.
.PARAMETER ResultPath
    Where to write NUnit XML results; none when omitted.
.EXAMPLE
    ./tests/pester/Invoke-PesterSuite.ps1 -ModuleManifest ./out/Restore/0.1.0/Restore.psd1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $ModuleManifest,

    [string] $PesterModule,

    [string] $ResultPath
)

# No strict mode: Pester's result object differs slightly between 5.x releases.
$ErrorActionPreference = 'Stop'

if (-not (Test-Path -LiteralPath $ModuleManifest -PathType Leaf)) {
    throw "The module manifest '$ModuleManifest' does not exist. Run ./build.ps1 first."
}

if ($PesterModule) {
    $pester = Import-Module -Name $PesterModule -PassThru -Force
}
else {
    $available = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version.Major -ge 5 } | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $available) {
        throw 'Pester 5 is not installed. Install it, or pass -PesterModule <path to Pester.psd1>.'
    }
    $pester = Import-Module -Name $available.Path -PassThru -Force
}
if ($pester.Version.Major -lt 5) {
    throw "Pester $($pester.Version) was loaded; the suite needs Pester 5."
}

# The test files read the module path from here, so they also run by hand with Invoke-Pester.
$env:RESTORE_MODULE_MANIFEST = (Resolve-Path -LiteralPath $ModuleManifest).Path

$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
# Plain text when the output is captured (dotnet test, CI): no colour escapes in logs, from Pester or from the
# warnings and errors the host prints.
if ([Console]::IsOutputRedirected) {
    $configuration.Output.RenderMode = 'Plaintext'
    if ($PSStyle) { $PSStyle.OutputRendering = 'PlainText' }
}
if ($ResultPath) {
    $configuration.TestResult.Enabled = $true
    $configuration.TestResult.OutputFormat = 'NUnitXml'
    $configuration.TestResult.OutputPath = $ResultPath
}

$result = Invoke-Pester -Configuration $configuration
$summary = 'PESTER-SUMMARY result={0} total={1} passed={2} failed={3} skipped={4} notrun={5} failedBlocks={6} failedContainers={7} pester={8}' -f `
    $result.Result, $result.TotalCount, $result.PassedCount, $result.FailedCount, $result.SkippedCount, $result.NotRunCount,
    $result.FailedBlocksCount, $result.FailedContainersCount, $pester.Version
Write-Host $summary

if ($result.Result -ne 'Passed' -or $result.FailedCount -gt 0 -or $result.FailedBlocksCount -gt 0 -or
    $result.FailedContainersCount -gt 0 -or $result.PassedCount -eq 0) {
    exit 1
}
exit 0
