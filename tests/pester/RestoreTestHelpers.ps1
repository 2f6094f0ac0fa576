# Shared by the *.Tests.ps1 files (dot-sourced in BeforeDiscovery and BeforeAll). Not a test file.

function Get-RestoreManifestPath {
    <#
    .SYNOPSIS
        The Restore.psd1 under test: $env:RESTORE_MODULE_MANIFEST, else the newest out/Restore/<version>/Restore.psd1.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    if ($env:RESTORE_MODULE_MANIFEST) {
        if (-not (Test-Path -LiteralPath $env:RESTORE_MODULE_MANIFEST -PathType Leaf)) {
            throw "RESTORE_MODULE_MANIFEST is '$env:RESTORE_MODULE_MANIFEST', which does not exist."
        }
        return (Resolve-Path -LiteralPath $env:RESTORE_MODULE_MANIFEST).Path
    }

    $repoRoot = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
    $layout = Join-Path -Path $repoRoot -ChildPath 'out/Restore'
    $candidate = Get-ChildItem -LiteralPath $layout -Directory -ErrorAction SilentlyContinue |
        Where-Object { ($_.Name -as [version]) -and (Test-Path -LiteralPath (Join-Path -Path $_.FullName -ChildPath 'Restore.psd1') -PathType Leaf) } |
        Sort-Object -Property { [version]$_.Name } -Descending |
        Select-Object -First 1
    if (-not $candidate) {
        throw "No built module under '$layout'. Run ./build.ps1, or set RESTORE_MODULE_MANIFEST to a Restore.psd1."
    }
    return (Join-Path -Path $candidate.FullName -ChildPath 'Restore.psd1')
}

function Get-RestoreFormatTypeName {
    <#
    .SYNOPSIS
        The type names the module's format file has views for.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [string] $ManifestPath
    )

    $formatFile = Join-Path -Path (Split-Path -Parent $ManifestPath) -ChildPath 'Restore.Format.ps1xml'
    $document = New-Object -TypeName System.Xml.XmlDocument
    $document.Load($formatFile)
    $document.SelectNodes('/Configuration/ViewDefinitions/View/ViewSelectedBy/TypeName') |
        ForEach-Object { $_.InnerText.Trim() } |
        Sort-Object -Unique
}

function Get-TestPwshPath {
    <#
    .SYNOPSIS
        The pwsh to start for a fresh session: $env:RESTORE_PWSH (set by the test runner), else pwsh on PATH, else
        this process when it is pwsh itself. A dotnet-tool pwsh runs under 'dotnet', so its process path is not pwsh.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    if ($env:RESTORE_PWSH) { return $env:RESTORE_PWSH }
    $onPath = Get-Command -Name pwsh -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($onPath) { return $onPath.Source }
    $self = [System.Environment]::ProcessPath
    if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'pwsh') { return $self }
    throw 'Cannot find pwsh for a fresh session: set RESTORE_PWSH.'
}
