#Requires -Version 7.0
# The package step of build.ps1 -Package (dot-sourced there): what an admin installs with Install-PSResource.
# Kept in its own file so build.ps1 stays the build and the layout check.

function Get-RestoreReleaseNote {
    # The CHANGELOG.md section of one version: the lines under '## [<version>]' up to the next '## '.
    param(
        [Parameter(Mandatory)] [string] $ChangelogPath,
        [Parameter(Mandatory)] [string] $Version
    )

    $lines = Get-Content -LiteralPath $ChangelogPath
    $start = -1
    for ($i = 0; $i -lt $lines.Count; $i++) {
        if ($lines[$i] -match "^## \[$([regex]::Escape($Version))\]") { $start = $i + 1; break }
    }
    if ($start -lt 0) {
        throw "CHANGELOG.md has no '## [$Version]' section; write the release notes for $Version there before packaging."
    }
    $section = [System.Collections.Generic.List[string]]::new()
    for ($i = $start; $i -lt $lines.Count -and $lines[$i] -notmatch '^## '; $i++) { $section.Add($lines[$i]) }
    $text = ($section -join "`n").Trim()
    if (-not $text) {
        throw "CHANGELOG.md's '## [$Version]' section is empty."
    }
    $text
}

function Set-RestorePackageManifest {
    # Puts the release notes, and the prerelease label when there is one, into the staged manifest. Text edits
    # rather than Update-ModuleManifest, which rewrites the whole file and drops its comments.
    param(
        [Parameter(Mandatory)] [string] $ManifestPath,
        [Parameter(Mandatory)] [string] $ReleaseNotes,
        [string] $Prerelease
    )

    $text = [System.IO.File]::ReadAllText($ManifestPath)
    $pattern = "(?m)^(?<indent>[ \t]*)ReleaseNotes[ \t]*=[ \t]*'(?:[^']|'')*'"
    if (-not [regex]::IsMatch($text, $pattern)) {
        throw "The manifest '$ManifestPath' has no ReleaseNotes = '...' line in PSData to fill."
    }
    $text = [regex]::Replace($text, $pattern, {
            param($match)
            $indent = $match.Groups['indent'].Value
            $line = "${indent}ReleaseNotes = '$($ReleaseNotes.Replace("'", "''"))'"
            if ($Prerelease) { $line += "`n${indent}Prerelease   = '$Prerelease'" }
            $line
        })
    [System.IO.File]::WriteAllText($ManifestPath, $text, [System.Text.UTF8Encoding]::new($false))
}

function Invoke-RestoreSignScript {
    param(
        [Parameter(Mandatory)] [string] $SignScript,
        [Parameter(Mandatory)] [hashtable] $Arguments
    )

    $described = ($Arguments.GetEnumerator() | ForEach-Object { "-$($_.Key) '$($_.Value)'" }) -join ' '
    Write-Information "> $SignScript $described"
    & $SignScript @Arguments
    if (-not $?) {
        throw "The signing script '$SignScript' failed ($described)."
    }
}

function New-RestorePackage {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $Root,
        [Parameter(Mandatory)] [string] $ModuleDirectory,
        [Parameter(Mandatory)] [string] $Version,
        [Parameter(Mandatory)] [string] $Configuration,
        [Parameter(Mandatory)] [string] $OutputDirectory,
        [Parameter(Mandatory)] [string[]] $AllowedAtRoot,
        [string] $Prerelease,
        [string] $SignScript
    )

    $outputDirectory = [System.IO.Path]::GetFullPath($OutputDirectory)
    $packageVersion = if ($Prerelease) { "$Version-$Prerelease" } else { $Version }
    $packagePath = Join-Path -Path $outputDirectory -ChildPath "Restore.$packageVersion.nupkg"
    $helpDirectory = Join-Path -Path $outputDirectory -ChildPath 'help'
    # The staged copy is what ships: the laid-out folder stays exactly what the build wrote (its manifest is the
    # source manifest), and a signer works on files no later build will replace.
    $stagingRoot = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('restore-package-' + [guid]::NewGuid().ToString('N'))
    $staged = Join-Path -Path $stagingRoot -ChildPath 'Restore'
    $repositoryName = 'RestoreBuild-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    $registered = $false
    try {
        New-Item -ItemType Directory -Path $staged -Force | Out-Null
        Copy-Item -Path (Join-Path -Path $ModuleDirectory -ChildPath '*') -Destination $staged -Recurse
        $manifest = Join-Path -Path $staged -ChildPath 'Restore.psd1'

        $notes = Get-RestoreReleaseNote -ChangelogPath (Join-Path -Path $Root -ChildPath 'CHANGELOG.md') -Version $Version
        Set-RestorePackageManifest -ManifestPath $manifest -ReleaseNotes $notes -Prerelease $Prerelease
        $tested = Test-ModuleManifest -Path $manifest -ErrorAction Stop
        # Indexing, not member access: under strict mode a missing key is an error as a property, $null as an index.
        $stagedPrerelease = "$($tested.PrivateData['PSData']['Prerelease'])"
        if ($stagedPrerelease -ne "$Prerelease") {
            throw "The staged manifest's Prerelease is '$stagedPrerelease', not '$Prerelease'."
        }
        Write-Information "Staged Restore $packageVersion at $staged (Test-ModuleManifest passed)"

        $before = @(Get-ChildItem -LiteralPath $staged -Recurse -File | ForEach-Object { [System.IO.Path]::GetRelativePath($staged, $_.FullName).Replace('\', '/') })
        if ($SignScript) {
            Invoke-RestoreSignScript -SignScript $SignScript -Arguments @{ ModuleDirectory = $staged }
            # A signer signs in place and may add the catalog; anything else it adds or removes would ship unnoticed.
            $after = @(Get-ChildItem -LiteralPath $staged -Recurse -File | ForEach-Object { [System.IO.Path]::GetRelativePath($staged, $_.FullName).Replace('\', '/') })
            $removed = @($before | Where-Object { $_ -notin $after })
            $added = @($after | Where-Object { $_ -notin $before -and $_ -ne 'Restore.cat' })
            if ($removed.Count -gt 0 -or $added.Count -gt 0) {
                throw "The signing script changed the module's files: removed $($removed -join ', '); added $($added -join ', '). It may only sign files in place and add Restore.cat."
            }
        }
        else {
            Write-Information 'Not signed: no -SignScript or $env:RESTORE_SIGN_SCRIPT (docs/signing.md).'
        }

        # Updatable help from the help that ships, for the HelpInfoURI in the manifest.
        $data = Import-PowerShellDataFile -LiteralPath $manifest
        $helpBuilder = Join-Path -Path $Root -ChildPath "src/Restore.HelpBuilder/bin/$Configuration/net10.0/Restore.HelpBuilder.dll"
        if (Test-Path -LiteralPath $helpDirectory) { Remove-Item -LiteralPath $helpDirectory -Recurse -Force }
        Invoke-Dotnet -Arguments @(
            $helpBuilder, '--updatable-help', '--module', 'Restore', '--guid', $data.GUID, '--version', $data.ModuleVersion,
            '--help-info-uri', $data.HelpInfoURI, '--culture', "en-US=$(Join-Path -Path $staged -ChildPath 'en-US')", '--out', $helpDirectory)

        New-Item -ItemType Directory -Path $outputDirectory -Force | Out-Null
        # Publish-PSResource will not replace a package that is already in the repository.
        if (Test-Path -LiteralPath $packagePath) { Remove-Item -LiteralPath $packagePath -Force }
        Import-Module -Name Microsoft.PowerShell.PSResourceGet -ErrorAction Stop -Verbose:$false
        # Registered for this run only (a unique name, removed in finally): the user's repository list is left as it was.
        Register-PSResourceRepository -Name $repositoryName -Uri $outputDirectory -Trusted
        $registered = $true
        Write-Information "> Publish-PSResource -Path $staged -Repository $repositoryName ($outputDirectory)"
        Publish-PSResource -Path $staged -Repository $repositoryName -ErrorAction Stop
        if (-not (Test-Path -LiteralPath $packagePath -PathType Leaf)) {
            $made = @(Get-ChildItem -LiteralPath $outputDirectory -Filter '*.nupkg' | ForEach-Object Name)
            throw "Publish-PSResource did not write '$packagePath' (the folder holds: $($made -join ', '))."
        }

        if ($SignScript) {
            Invoke-RestoreSignScript -SignScript $SignScript -Arguments @{ PackagePath = $packagePath }
        }
        Write-Information "Package: $packagePath"
        Write-Information "Updatable help: $helpDirectory"
        $packagePath
    }
    finally {
        if ($registered) {
            Unregister-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue
        }
        if (Test-Path -LiteralPath $stagingRoot) {
            Remove-Item -LiteralPath $stagingRoot -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
