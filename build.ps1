#!/usr/bin/env pwsh
#Requires -Version 7.0
<#
.SYNOPSIS
    Builds the Restore module and lays it out, ready to import, at out/Restore/<version>/.
.DESCRIPTION
    Runs `dotnet build` on the cmdlet project, which compiles the engine, the cmdlets, the
    load-context isolation and the help builder, then lays out the module:

        out/Restore/<version>/                Restore.psd1, Restore.Format.ps1xml, Restore.PowerShell.dll, LICENSE, ThirdPartyNotices.txt
        out/Restore/<version>/dependencies/   Restore.Engine and the third-party assemblies
        out/Restore/<version>/en-US/          help generated from docs/

    (Debug builds go to out/Debug/Restore/<version>/.) The layout is then checked against
    src/Restore.PowerShell/ModuleLayout.txt; any missing file stops the script with its name.
    The script writes the path of the laid-out Restore.psd1 to the pipeline, so
    `Import-Module (./build.ps1)` builds and imports in one step.
.PARAMETER Configuration
    Release (default) or Debug.
.PARAMETER Test
    After building, runs every test: `dotnet test Restore.sln -c <Configuration>`.
.PARAMETER Clean
    Removes earlier build output (dotnet clean and the layout folder) before building.
.EXAMPLE
    ./build.ps1
.EXAMPLE
    ./build.ps1 -Test
.PARAMETER Package
    After building, makes the PowerShell Gallery package: copies the module to a staging folder, fills
    ReleaseNotes (the CHANGELOG.md section of the version) and Prerelease into its manifest, checks it with
    Test-ModuleManifest, runs the signing hook, and publishes it with Publish-PSResource to a local file
    repository (the folder -PackageDirectory) registered for this run only. Writes
    <PackageDirectory>/Restore.<version>[-<prerelease>].nupkg and the updatable help (HelpInfo.xml, a .zip
    for Linux and macOS, a .cab for Windows) to <PackageDirectory>/help/, and outputs the package path
    instead of the manifest path.
.PARAMETER Prerelease
    With -Package: the prerelease label (PSData.Prerelease), e.g. preview1. Letters and digits, starting
    with a letter, as the PowerShell Gallery accepts.
.PARAMETER PackageDirectory
    With -Package: the folder for the package and the updatable help. Default: out/packages (Release) or
    out/<Configuration>/packages.
.PARAMETER NoBuild
    Uses the module already laid out (by an earlier build of the same configuration) instead of building.
.PARAMETER SignScript
    With -Package: a script run twice, with -ModuleDirectory <staged module folder> before packaging (it
    signs the files in place and may add Restore.cat) and with -PackagePath <nupkg> after. Default:
    $env:RESTORE_SIGN_SCRIPT. See docs/signing.md; nothing is signed without it.
.EXAMPLE
    ./build.ps1
.EXAMPLE
    ./build.ps1 -Test
.EXAMPLE
    Import-Module (./build.ps1) -Force
.EXAMPLE
    ./build.ps1 -Package -Prerelease preview1
#>
[CmdletBinding()]
[OutputType([string])]
param(
    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    [switch] $Test,

    [switch] $Clean,

    [switch] $Package,

    [ValidatePattern('^[A-Za-z][A-Za-z0-9]*$')]
    [string] $Prerelease,

    [string] $PackageDirectory,

    [switch] $NoBuild,

    [string] $SignScript = $env:RESTORE_SIGN_SCRIPT
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
# Progress lines go to the information stream, shown unless the caller chose otherwise (-InformationAction).
if (-not $PSBoundParameters.ContainsKey('InformationAction')) {
    $InformationPreference = 'Continue'
}

function Invoke-Dotnet {
    param([Parameter(Mandatory)] [string[]] $Arguments)

    Write-Information "> dotnet $($Arguments -join ' ')"
    # The tool's own lines on the verbose stream (-Verbose shows them); its errors in the exception when it fails.
    $lines = @(& dotnet @Arguments 2>&1 | ForEach-Object { "$_" })
    $lines | Write-Verbose
    if ($LASTEXITCODE -ne 0) {
        $problems = @($lines | Where-Object { $_ -match ': (error|warning) ' } | Select-Object -Unique)
        if ($problems.Count -eq 0) { $problems = @($lines | Select-Object -Last 20) }
        throw "'dotnet $($Arguments -join ' ')' failed with exit code $LASTEXITCODE`n$($problems -join "`n")"
    }
}

if (-not (Get-Command -Name dotnet -CommandType Application -ErrorAction SilentlyContinue)) {
    throw 'The .NET SDK (dotnet) is not on PATH. Install the .NET 10 SDK: https://dot.net/download'
}

$root = $PSScriptRoot
$version = (Import-PowerShellDataFile -LiteralPath (Join-Path -Path $root -ChildPath 'module/Restore.psd1')).ModuleVersion
$outRoot = if ($Configuration -eq 'Release') { Join-Path -Path $root -ChildPath 'out' } else { Join-Path -Path $root -ChildPath "out/$Configuration" }
$moduleDirectory = Join-Path -Path $outRoot -ChildPath "Restore/$version"
$project = Join-Path -Path $root -ChildPath 'src/Restore.PowerShell/Restore.PowerShell.csproj'

if (($Prerelease -or $PackageDirectory) -and -not $Package) {
    throw '-Prerelease and -PackageDirectory go with -Package.'
}
if ($NoBuild -and ($Clean -or $Test)) {
    throw '-NoBuild packages or checks the existing layout; it does not go with -Clean or -Test.'
}
if ($Package -and $SignScript -and -not (Test-Path -LiteralPath $SignScript -PathType Leaf)) {
    throw "The signing script '$SignScript' (-SignScript or `$env:RESTORE_SIGN_SCRIPT) does not exist."
}

if ($Clean) {
    Invoke-Dotnet -Arguments @('clean', (Join-Path -Path $root -ChildPath 'Restore.sln'), '--configuration', $Configuration, '--nologo', '--verbosity', 'quiet')
    $layoutRoot = Join-Path -Path $outRoot -ChildPath 'Restore'
    if (Test-Path -LiteralPath $layoutRoot) {
        Remove-Item -LiteralPath $layoutRoot -Recurse -Force
    }
}

if (-not $NoBuild) {
    Invoke-Dotnet -Arguments @('build', $project, '--configuration', $Configuration, '--nologo')
}

# The build already fails on a missing file; checking again here also catches a stale or partial folder.
$expected = Get-Content -LiteralPath (Join-Path -Path $root -ChildPath 'src/Restore.PowerShell/ModuleLayout.txt') |
    ForEach-Object { $_.Trim() } |
    Where-Object { $_ -and -not $_.StartsWith('#') }
$missing = @($expected | Where-Object { -not (Test-Path -LiteralPath (Join-Path -Path $moduleDirectory -ChildPath $_) -PathType Leaf) })
if ($missing.Count -gt 0) {
    throw "The module layout at '$moduleDirectory' is incomplete. Missing: $($missing -join ', ')"
}

$allowedAtRoot = @('Restore.psd1', 'Restore.Format.ps1xml', 'Restore.PowerShell.dll', 'LICENSE', 'ThirdPartyNotices.txt')
$unexpected = @(Get-ChildItem -LiteralPath $moduleDirectory -File | Where-Object { $_.Name -notin $allowedAtRoot } | ForEach-Object Name)
if ($unexpected.Count -gt 0) {
    throw "The module root '$moduleDirectory' holds unexpected files: $($unexpected -join ', '). Third-party assemblies belong in dependencies/."
}

$manifestPath = Join-Path -Path $moduleDirectory -ChildPath 'Restore.psd1'
Write-Information "Restore $version is laid out at $moduleDirectory"
Write-Information "Import it with: Import-Module '$manifestPath'"

if ($Test) {
    # The test run's output is the point here: shown as it comes, not gathered on the verbose stream.
    & dotnet test (Join-Path -Path $root -ChildPath 'Restore.sln') --configuration $Configuration --nologo | ForEach-Object { Write-Information "$_" }
    if ($LASTEXITCODE -ne 0) {
        throw "'dotnet test' failed with exit code $LASTEXITCODE."
    }
}

if (-not $Package) {
    return $manifestPath
}

. (Join-Path -Path $root -ChildPath 'build/Package.ps1')
$packageArguments = @{
    Root            = $root
    ModuleDirectory = $moduleDirectory
    Version         = $version
    Configuration   = $Configuration
    Prerelease      = $Prerelease
    SignScript      = $SignScript
    OutputDirectory = if ($PackageDirectory) { $PackageDirectory } else { Join-Path -Path $outRoot -ChildPath 'packages' }
    AllowedAtRoot   = $allowedAtRoot
}
New-RestorePackage @packageArguments
