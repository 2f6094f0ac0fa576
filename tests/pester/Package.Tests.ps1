#Requires -Version 7.0
# The module as admins install it: build.ps1 -Package makes the PowerShell Gallery package, Install-PSResource puts it
# into a throwaway module path, and fresh pwsh sessions use the installed copy (import by name, autoload, the quick
# start, Get-Help -Online, Update-Help from a local folder). Also the package step's prerelease label, signing hook
# and clean-up, and build.ps1's output streams.

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
    $root = Get-RestoreRepositoryRoot
    $pwsh = Get-TestPwshPath
    $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path -Path $root -ChildPath 'module/Restore.psd1')
    $version = $manifest.ModuleVersion
    $buildScript = Join-Path -Path $root -ChildPath 'build.ps1'
    # Built here, not in a Describe: Pester clears what a block added to TestDrive when that block ends, and the
    # install block needs the package.
    $packages = Join-Path -Path $TestDrive -ChildPath 'packages'

    # build.ps1 rewrites out/Restore/<version>/; on Windows that fails when this session loaded the module from there.
    $releaseLayout = [System.IO.Path]::GetFullPath((Join-Path -Path $root -ChildPath 'out/Restore')) + [System.IO.Path]::DirectorySeparatorChar
    $blocked = $IsWindows -and (Get-RestoreManifestPath).StartsWith($releaseLayout, [System.StringComparison]::OrdinalIgnoreCase)

    function Invoke-TestPwsh {
        # A fresh pwsh with the given environment on top of this one's; returns its output lines and exit code.
        param([Parameter(Mandatory)] [string[]] $Arguments, [hashtable] $Environment = @{})
        $saved = @{}
        foreach ($name in $Environment.Keys) {
            $saved[$name] = [System.Environment]::GetEnvironmentVariable($name)
            [System.Environment]::SetEnvironmentVariable($name, $Environment[$name])
        }
        try {
            $lines = @(& $pwsh -NoProfile -NonInteractive @Arguments 2>&1 | ForEach-Object { "$_" })
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Lines = $lines; Text = ($lines -join "`n") -replace "`e\[[0-9;]*m", '' }
        }
        finally {
            foreach ($name in $saved.Keys) { [System.Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }

    function Get-TestResult {
        # The JSON a fresh session printed after 'RESULT:'.
        param([Parameter(Mandatory)] $Run)
        $line = @($Run.Lines | Where-Object { $_.StartsWith('RESULT:') }) | Select-Object -Last 1
        if (-not $line) { throw "The session printed no result (exit code $($Run.ExitCode)):`n$($Run.Text)" }
        $line.Substring('RESULT:'.Length) | ConvertFrom-Json
    }

    function Get-PackageEntry {
        param([Parameter(Mandatory)] [string] $Path)
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try { @($zip.Entries | ForEach-Object FullName) } finally { $zip.Dispose() }
    }

    function Read-PackageEntry {
        param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $Entry)
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $reader = [System.IO.StreamReader]::new($zip.GetEntry($Entry).Open())
            try { $reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally { $zip.Dispose() }
    }

    $repositoriesBefore = @(Get-PSResourceRepository | ForEach-Object Name | Sort-Object)
    if (-not $blocked) {
        # As a release makes it: Release, in a fresh pwsh.
        $build = Invoke-TestPwsh -Arguments @('-File', $buildScript, '-Package', '-PackageDirectory', $packages)
    }
}

Describe 'build.ps1 -Package' {
    BeforeAll {
        $nupkg = Join-Path -Path $packages -ChildPath "Restore.$version.nupkg"
    }

    BeforeEach {
        if ($blocked) { Set-ItResult -Skipped -Because 'on Windows build.ps1 cannot rebuild the Release module this session has loaded; run the suite against the Debug build' }
    }

    It 'writes Restore.<version>.nupkg and outputs its path' {
        $build.ExitCode | Should -Be 0 -Because $build.Text
        Test-Path -LiteralPath $nupkg -PathType Leaf | Should -BeTrue
        $build.Lines[-1] | Should -Be $nupkg
    }

    It 'packs the whole module: the layout list, licence and notices at the root, no .pdb' {
        $entries = Get-PackageEntry -Path $nupkg
        $expected = Get-Content -LiteralPath (Join-Path -Path $root -ChildPath 'src/Restore.PowerShell/ModuleLayout.txt') |
            ForEach-Object { $_.Trim() } | Where-Object { $_ -and -not $_.StartsWith('#') }
        foreach ($file in $expected) { $entries | Should -Contain $file }
        $entries | Should -Contain 'LICENSE'
        $entries | Should -Contain 'ThirdPartyNotices.txt'
        @($entries | Where-Object { $_ -like '*.pdb' }).Count | Should -Be 0
    }

    It 'carries the CHANGELOG section of the version as ReleaseNotes, and no Prerelease' {
        $text = Read-PackageEntry -Path $nupkg -Entry 'Restore.psd1'
        $data = [scriptblock]::Create($text).InvokeReturnAsIs()
        $data.PrivateData.PSData.ReleaseNotes | Should -Match 'The first release'
        $data.PrivateData.PSData.Keys | Should -Not -Contain 'Prerelease'
        $data.PrivateData.PSData.LicenseUri | Should -Be 'https://github.com/restore-ps/Restore/blob/main/LICENSE'
        $data.PrivateData.PSData.ProjectUri | Should -Be 'https://github.com/restore-ps/Restore'
        $data.HelpInfoURI | Should -Match '^https://github\.com/restore-ps/Restore/'
    }

    It 'leaves the laid-out module as the build wrote it (the manifest is still the source manifest)' {
        $laidOut = Join-Path -Path $root -ChildPath "out/Restore/$version/Restore.psd1"
        (Get-Content -LiteralPath $laidOut -Raw) | Should -Be (Get-Content -LiteralPath (Join-Path -Path $root -ChildPath 'module/Restore.psd1') -Raw)
    }

    It 'writes the updatable help: HelpInfo.xml, a .zip for Linux and macOS, a .cab for Windows' {
        $help = Join-Path -Path $packages -ChildPath 'help'
        $prefix = "Restore_$($manifest.GUID)_"
        @(Get-ChildItem -LiteralPath $help -File | ForEach-Object Name | Sort-Object) |
            Should -Be @("$($prefix)en-US_HelpContent.cab", "$($prefix)en-US_HelpContent.zip", "$($prefix)HelpInfo.xml")
        ([xml](Get-Content -LiteralPath (Join-Path -Path $help -ChildPath "$($prefix)HelpInfo.xml") -Raw)).HelpInfo.HelpContentURI |
            Should -Be $manifest.HelpInfoURI
    }

    It 'leaves no repository registered' {
        @(Get-PSResourceRepository | ForEach-Object Name | Sort-Object) | Should -Be $repositoriesBefore
    }
}

Describe 'The installed package, in fresh sessions' {
    BeforeAll {
        # A throwaway home: on Linux and macOS pwsh's user module path, Install-PSResource's CurrentUser folder and
        # PSResourceGet's repository list all live under $HOME/.local/share (PSResourceGet does not follow
        # XDG_DATA_HOME, so that alone would install into the real home). PSModulePath is left to the session to work out.
        $throwawayHome = Join-Path -Path $TestDrive -ChildPath 'home'
        $null = New-Item -ItemType Directory -Path $throwawayHome -Force
        $environment = @{
            HOME            = $throwawayHome
            XDG_DATA_HOME   = $null
            XDG_CONFIG_HOME = $null
            XDG_CACHE_HOME  = $null
            PSModulePath    = $null
        }
        $modules = Join-Path -Path $throwawayHome -ChildPath '.local/share/powershell/Modules'
        $install = if ($IsWindows) {
            # Windows keeps the user module path in Documents whatever the environment says: save into a folder instead.
            $modules = Join-Path -Path $TestDrive -ChildPath 'Modules'
            $environment.PSModulePath = "$modules;$env:ProgramFiles\PowerShell\Modules;$PSHOME\Modules"
            "Save-PSResource -Name Restore -Repository RestoreTest -TrustRepository -Path '$modules'"
        }
        else {
            'Install-PSResource -Name Restore -Repository RestoreTest -TrustRepository -Scope CurrentUser'
        }
        if (-not $blocked) {
            $installRun = Invoke-TestPwsh -Environment $environment -Arguments @('-Command', @"
`$ErrorActionPreference = 'Stop'
# Never into the real home: stop if PSResourceGet's folders are not the throwaway ones.
if (-not `$IsWindows -and -not [Environment]::GetFolderPath('LocalApplicationData').StartsWith('$throwawayHome')) { throw 'PSResourceGet would use the real home' }
Register-PSResourceRepository -Name RestoreTest -Uri '$packages' -Trusted
$install
`$m = @(Get-Module -ListAvailable -Name Restore)
'RESULT:' + (@{ Count = `$m.Count; Base = `$m[0].ModuleBase; Version = "`$(`$m[0].Version)"; Valid = [bool](Test-ModuleManifest -Path `$m[0].Path) } | ConvertTo-Json -Compress)
"@)
            $installed = Get-TestResult -Run $installRun
        }
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
    }

    BeforeEach {
        if ($blocked) { Set-ItResult -Skipped -Because 'on Windows build.ps1 cannot rebuild the Release module this session has loaded; run the suite against the Debug build' }
    }

    It 'installs with Install-PSResource into the throwaway module path, and passes Test-ModuleManifest there' {
        $installRun.ExitCode | Should -Be 0 -Because $installRun.Text
        $installed.Count | Should -Be 1
        $installed.Base | Should -BeLike "$modules*"
        $installed.Version | Should -Be $version
        $installed.Valid | Should -BeTrue
        Test-Path -LiteralPath (Join-Path -Path $installed.Base -ChildPath 'LICENSE') | Should -BeTrue
        Test-Path -LiteralPath (Join-Path -Path $installed.Base -ChildPath 'ThirdPartyNotices.txt') | Should -BeTrue
    }

    It 'autoloads: the quick start''s New-Restore, with no Import-Module, restores the sample from the installed copy' {
        $out = Join-Path -Path $TestDrive -ChildPath 'restored'
        $run = Invoke-TestPwsh -Environment $environment -Arguments @('-Command', @"
`$ErrorActionPreference = 'Stop'
`$loaded = @(Get-Module -Name Restore).Count
`$restore = New-Restore -Backup sample -StorageLocation '$store' -ToDirectory '$out' -Force -WarningAction SilentlyContinue
'RESULT:' + (@{ Loaded = `$loaded; Base = (Get-Module -Name Restore).ModuleBase; Phase = "`$(`$restore.Phase)"; Items = `$restore.ItemsRestored } | ConvertTo-Json -Compress)
"@)
        $result = Get-TestResult -Run $run

        $run.ExitCode | Should -Be 0 -Because $run.Text
        $result.Loaded | Should -Be 0
        $result.Base | Should -Be $installed.Base
        $result.Phase | Should -Be 'Completed'
        $result.Items | Should -Be 9
        @(Get-ChildItem -LiteralPath $out -Recurse -File -Filter '*.yaml').Count | Should -Be 8
    }

    It 'imports by name and exports the manifest''s cmdlets' {
        $run = Invoke-TestPwsh -Environment $environment -Arguments @('-Command', @"
`$ErrorActionPreference = 'Stop'
Import-Module -Name Restore
`$m = Get-Module -Name Restore
'RESULT:' + (@{ Base = `$m.ModuleBase; Cmdlets = @(`$m.ExportedCmdlets.Keys | Sort-Object) } | ConvertTo-Json -Compress)
"@)
        $result = Get-TestResult -Run $run

        $run.ExitCode | Should -Be 0 -Because $run.Text
        $result.Base | Should -Be $installed.Base
        ($result.Cmdlets -join ',') | Should -Be (@($manifest.CmdletsToExport | Sort-Object) -join ',')
    }

    It 'opens the cmdlet''s page with Get-Help -Online' {
        if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows opens the default browser through the shell; the stub browser works where .NET starts xdg-open (Linux) or open (macOS)' }
        # .NET opens a URL on Linux with xdg-open and on macOS with open, found on PATH: stubs record what they are given.
        $stubs = Join-Path -Path $TestDrive -ChildPath 'browser'
        $record = Join-Path -Path $TestDrive -ChildPath 'opened.txt'
        $null = New-Item -ItemType Directory -Path $stubs -Force
        foreach ($name in 'xdg-open', 'open') {
            $stub = Join-Path -Path $stubs -ChildPath $name
            Set-Content -LiteralPath $stub -Value "#!/bin/sh`nprintf '%s\n' `"`$1`" >> '$record'`n" -NoNewline
            & chmod +x $stub
        }
        $online = $environment.Clone()
        $online.PATH = "$stubs$([System.IO.Path]::PathSeparator)$env:PATH"
        $run = Invoke-TestPwsh -Environment $online -Arguments @('-Command', "`$ErrorActionPreference = 'Stop'; Get-Help -Name New-Restore -Online; 'RESULT:{}'")
        $deadline = [datetime]::UtcNow.AddSeconds(20)
        while (-not (Test-Path -LiteralPath $record) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }

        $run.ExitCode | Should -Be 0 -Because $run.Text
        (Get-Content -LiteralPath $record) | Should -Be 'https://github.com/restore-ps/Restore/blob/main/docs/New-Restore.md'
    }

    It 'takes its help from a local folder with Update-Help -SourcePath' {
        # The installed help is removed first, so the help read afterwards can only have come from the folder.
        $helpFolder = Join-Path -Path $packages -ChildPath 'help'
        $culture = Join-Path -Path $installed.Base -ChildPath 'en-US'
        Get-ChildItem -LiteralPath $culture -File | Remove-Item -Force
        $update = Invoke-TestPwsh -Environment $environment -Arguments @('-Command', @"
`$ErrorActionPreference = 'Stop'
`$before = (Get-Help -Name New-Restore).Synopsis.Trim()
Update-Help -Module Restore -SourcePath '$helpFolder' -UICulture en-US -Force
'RESULT:' + (@{ Before = `$before } | ConvertTo-Json -Compress)
"@)
        $before = Get-TestResult -Run $update
        $after = Invoke-TestPwsh -Environment $environment -Arguments @('-Command', @"
`$ErrorActionPreference = 'Stop'
'RESULT:' + (@{ Synopsis = (Get-Help -Name New-Restore).Synopsis.Trim(); Examples = @((Get-Help -Name New-Restore -Examples).examples.example).Count } | ConvertTo-Json -Compress)
"@)
        $result = Get-TestResult -Run $after
        # PowerShell 7 installs updated help for the current user beside the modules, not into the module folder.
        $userHelp = Join-Path -Path $throwawayHome -ChildPath ".local/share/powershell/Help/Restore/$version"

        $update.ExitCode | Should -Be 0 -Because $update.Text
        $before.Before | Should -BeLike 'New-Restore *' -Because 'without help files Get-Help shows the syntax only'
        $result.Synopsis | Should -Be 'Restores Kubernetes objects from a Velero backup into clusters or into a folder of manifests.'
        $result.Examples | Should -BeGreaterThan 0
        if (-not $IsWindows) {
            @(Get-ChildItem -LiteralPath (Join-Path -Path $userHelp -ChildPath 'en-US') -File | ForEach-Object Name | Sort-Object) |
                Should -Be @('about_Restore.help.txt', 'Restore.PowerShell.dll-Help.xml')
            Test-Path -LiteralPath (Join-Path -Path $userHelp -ChildPath "Restore_$($manifest.GUID)_HelpInfo.xml") | Should -BeTrue
        }
        @(Get-ChildItem -LiteralPath $culture -File).Count | Should -Be 0 -Because 'the module folder itself is left as installed'
    }
}

Describe 'build.ps1 -Package -Prerelease with a signing script' {
    BeforeAll {
        # A stub signer: records what it was handed, and adds the catalog a real signer makes (docs/signing.md).
        $signed = Join-Path -Path $TestDrive -ChildPath 'signed.json'
        $stub = Join-Path -Path $TestDrive -ChildPath 'Sign-Stub.ps1'
        Set-Content -LiteralPath $stub -Value @"
param([string] `$ModuleDirectory, [string] `$PackagePath)
`$calls = @(if (Test-Path -LiteralPath '$signed') { Get-Content -LiteralPath '$signed' -Raw | ConvertFrom-Json })
if (`$ModuleDirectory) {
    `$files = @(Get-ChildItem -LiteralPath `$ModuleDirectory -Recurse -File | ForEach-Object { [System.IO.Path]::GetRelativePath(`$ModuleDirectory, `$_.FullName).Replace('\', '/') })
    `$prerelease = (Import-PowerShellDataFile -LiteralPath (Join-Path `$ModuleDirectory 'Restore.psd1')).PrivateData.PSData.Prerelease
    `$calls += [pscustomobject]@{ Module = `$files; Prerelease = `$prerelease }
    Set-Content -LiteralPath (Join-Path `$ModuleDirectory 'Restore.cat') -Value 'stub catalog'
}
if (`$PackagePath) { `$calls += [pscustomobject]@{ Package = `$PackagePath } }
ConvertTo-Json -InputObject `$calls -Depth 4 | Set-Content -LiteralPath '$signed'
"@
        $prereleasePackages = Join-Path -Path $TestDrive -ChildPath 'prerelease'
        if (-not $blocked) {
            # -NoBuild: packages the Release layout the block above built.
            $build = Invoke-TestPwsh -Arguments @('-File', $buildScript, '-Package', '-NoBuild', '-Prerelease', 'ci1', '-PackageDirectory', $prereleasePackages, '-SignScript', $stub)
            $calls = @(Get-Content -LiteralPath $signed -Raw | ConvertFrom-Json)
        }
        $nupkg = Join-Path -Path $prereleasePackages -ChildPath "Restore.$version-ci1.nupkg"
    }

    BeforeEach {
        if ($blocked) { Set-ItResult -Skipped -Because 'on Windows build.ps1 cannot rebuild the Release module this session has loaded; run the suite against the Debug build' }
    }

    It 'names the package Restore.<version>-ci1.nupkg and sets PSData.Prerelease in its manifest' {
        $build.ExitCode | Should -Be 0 -Because $build.Text
        Test-Path -LiteralPath $nupkg -PathType Leaf | Should -BeTrue
        $data = [scriptblock]::Create((Read-PackageEntry -Path $nupkg -Entry 'Restore.psd1')).InvokeReturnAsIs()
        $data.PrivateData.PSData.Prerelease | Should -Be 'ci1'
    }

    It 'hands the signer the finished module folder before packaging, then the package' {
        $calls.Count | Should -Be 2
        $calls[0].Prerelease | Should -Be 'ci1' -Because 'signing comes after the last change to the manifest'
        foreach ($file in 'Restore.psd1', 'Restore.Format.ps1xml', 'Restore.PowerShell.dll', 'dependencies/Restore.Engine.dll', 'dependencies/Restore.PowerShell.Loader.dll', 'dependencies/AWSSDK.Core.dll') {
            $calls[0].Module | Should -Contain $file
        }
        $calls[1].Package | Should -Be $nupkg
        Get-PackageEntry -Path $nupkg | Should -Contain 'Restore.cat'
    }

    It 'refuses a label the Gallery would not take' {
        $run = Invoke-TestPwsh -Arguments @('-File', $buildScript, '-Package', '-NoBuild', '-Prerelease', 'rc.1', '-PackageDirectory', (Join-Path -Path $TestDrive -ChildPath 'bad'))
        $run.ExitCode | Should -Not -Be 0
        Test-Path -LiteralPath (Join-Path -Path $TestDrive -ChildPath 'bad') | Should -BeFalse
    }

    It 'leaves no repository registered' {
        @(Get-PSResourceRepository | ForEach-Object Name | Sort-Object) | Should -Be $repositoriesBefore
    }
}

Describe 'build.ps1 output streams' {
    It 'writes progress with Write-Information and Write-Verbose, never to the host: <_>' -ForEach @('build.ps1', 'build/Package.ps1') {
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path -Path (Get-RestoreRepositoryRoot) -ChildPath $_), [ref] $tokens, [ref] $errors)
        $errors.Count | Should -Be 0
        $hostWriters = @($ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true) |
                Where-Object { $_.GetCommandName() -in 'Write-Host', 'Out-Host' } | ForEach-Object { "line $($_.Extent.StartLineNumber): $($_.Extent.Text)" })
        $hostWriters | Should -BeNullOrEmpty
        @($ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] -and $args[0].GetCommandName() -eq 'Write-Information' }, $true)).Count | Should -BeGreaterThan 0
    }
}
