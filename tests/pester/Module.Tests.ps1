#Requires -Version 5.1
# The built module as PowerShell sees it: import, exports, help, format views, dependency isolation.
# Run through tests/pester/Invoke-PesterSuite.ps1 (or `dotnet test`, see README.md in this folder).

BeforeDiscovery {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
    $manifestPath = Get-RestoreManifestPath
    $exportedCmdlets = @((Import-PowerShellDataFile -LiteralPath $manifestPath).CmdletsToExport)
    $formatTypeNames = @(Get-RestoreFormatTypeName -ManifestPath $manifestPath)
    $isCore = $PSVersionTable.PSEdition -eq 'Core'
}

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
    $manifestPath = Get-RestoreManifestPath
    $moduleBase = Split-Path -Parent $manifestPath
    $manifest = Import-PowerShellDataFile -LiteralPath $manifestPath
    $module = Import-Module -Name $manifestPath -Force -PassThru -ErrorAction Stop
}

AfterAll {
    Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
}

Describe 'The Restore module' {
    It 'imports from the built layout with the manifest version' {
        $module | Should -Not -BeNullOrEmpty
        $module.Name | Should -Be 'Restore'
        $module.ModuleBase | Should -Be $moduleBase
        $module.Version | Should -Be ([version]$manifest.ModuleVersion)
    }

    It 'exports exactly the cmdlets the manifest lists' {
        $actual = @(Get-Command -Module Restore | Select-Object -ExpandProperty Name | Sort-Object)
        $expected = @($manifest.CmdletsToExport | Sort-Object)
        $actual.Count | Should -BeGreaterThan 0
        ($actual -join ', ') | Should -Be ($expected -join ', ')
    }

    It 'exports cmdlets only' {
        @(Get-Command -Module Restore -CommandType Function, Alias, Filter, ExternalScript).Count | Should -Be 0
        @(Get-Command -Module Restore -CommandType Cmdlet).Count | Should -Be @($manifest.CmdletsToExport).Count
        @($module.ExportedVariables.Keys).Count | Should -Be 0
    }

    It 'loads its format file' {
        $module.ExportedFormatFiles | ForEach-Object { Split-Path -Leaf $_ } | Should -Contain 'Restore.Format.ps1xml'
    }

    It 'finds the about_Restore topic' {
        $about = Get-Help -Name about_Restore | Out-String
        $about | Should -Match 'SHORT DESCRIPTION'
        $about | Should -Match 'Velero'
    }
}

Describe 'Help for <_>' -ForEach $exportedCmdlets {
    BeforeAll {
        $name = $_
        $command = Get-Command -Name $name -Module Restore
        $help = Get-Help -Name $name -Full
        $commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters
    }

    It 'comes from the generated MAML, not from the syntax-only stub' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without a help file, Get-Help makes the synopsis from the syntax, which starts with the name.
        $help.Synopsis.Trim() | Should -Not -BeLike "$name *"
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has examples with code' {
        $examples = @((Get-Help -Name $name -Examples).examples.example)
        $examples.Count | Should -BeGreaterThan 0
        $examples[0].code | Should -Match ([regex]::Escape($name))
    }

    It 'describes every parameter' {
        $parameters = @($command.Parameters.Keys | Where-Object { $_ -notin $commonParameters })
        $parameters.Count | Should -BeGreaterThan 0
        foreach ($parameter in $parameters) {
            $parameterHelp = Get-Help -Name $name -Parameter $parameter
            ($parameterHelp.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter of $name needs a description in docs/$name.md"
        }
    }

    It 'shows the full help as text' {
        $text = Get-Help -Name $name -Full | Out-String
        $text | Should -Match 'PARAMETERS'
        $text | Should -Match 'EXAMPLE'
    }
}

Describe 'Format view for <_>' -ForEach $formatTypeNames {
    It 'is loaded into the session' {
        $formatData = Get-FormatData -TypeName $_
        $formatData | Should -Not -BeNullOrEmpty
        @($formatData.FormatViewDefinition).Count | Should -BeGreaterThan 0
    }
}

Describe 'Dependency isolation' -Skip:(-not $isCore) {
    It 'loads the engine into the Restore load context from dependencies/' {
        $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object { $_.Name -eq 'Restore' } | Select-Object -First 1
        $context | Should -Not -BeNullOrEmpty -Because 'importing the module installs the isolated load context'
        $engine = $context.LoadFromAssemblyName([System.Reflection.AssemblyName]::new('Restore.Engine'))
        $engine.Location | Should -Be ([System.IO.Path]::Combine($moduleBase, 'dependencies', 'Restore.Engine.dll'))
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).Name | Should -Be 'Restore'
    }

    It 'keeps its own YamlDotNet when another module loaded a different one first, and both work' {
        # A fresh process, so that the other copy really is loaded before the module.
        $pwsh = Get-TestPwshPath
        $work = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('restore-pester-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $work
        $store = New-TestStorageLocation -Path (Join-Path -Path $work -ChildPath 'store')
        $probe = {
            param($ManifestPath, $WorkDirectory, $Store)
            $ErrorActionPreference = 'Stop'
            $fakePath = Join-Path -Path $WorkDirectory -ChildPath 'YamlDotNet.dll'
            $source = '[assembly: System.Reflection.AssemblyVersion("1.0.0.0")] namespace YamlDotNet { public class FakeMarker { public string Owner => "other module"; } }'
            # Compiled with the Roslyn that pwsh ships: Add-Type would give the assembly a random name, not YamlDotNet.
            Add-Type -AssemblyName Microsoft.CodeAnalysis.CSharp
            $runtime = [System.IO.Path]::GetDirectoryName([object].Assembly.Location)
            $references = [Microsoft.CodeAnalysis.MetadataReference[]]@(
                [object].Assembly.Location, (Join-Path -Path $runtime -ChildPath 'System.Runtime.dll') | ForEach-Object { [Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile($_) })
            $compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create('YamlDotNet',
                [Microsoft.CodeAnalysis.SyntaxTree[]]@([Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText($source)), $references,
                [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary))
            $file = [System.IO.File]::Create($fakePath)
            try { $emitted = $compilation.Emit([System.IO.Stream] $file) } finally { $file.Dispose() }
            if (-not $emitted.Success) { throw "Compiling the other YamlDotNet failed: $($emitted.Diagnostics -join '; ')" }
            $fake = [System.Reflection.Assembly]::LoadFrom($fakePath)
            Import-Module -Name $ManifestPath -ErrorAction Stop
            $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object { $_.Name -eq 'Restore' } | Select-Object -First 1
            $engine = $context.LoadFromAssemblyName([System.Reflection.AssemblyName]::new('Restore.Engine'))
            $reference = $engine.GetReferencedAssemblies() | Where-Object { $_.Name -eq 'YamlDotNet' }
            if (-not $reference) {
                $reference = [System.Reflection.AssemblyName]::GetAssemblyName((Join-Path -Path (Split-Path -Parent $engine.Location) -ChildPath 'YamlDotNet.dll'))
            }
            $ours = $context.LoadFromAssemblyName($reference)

            # Our cmdlets with the other copy loaded: manifests written as YAML, a Restore manifest read from YAML.
            $out = Join-Path -Path $WorkDirectory -ChildPath 'restored'
            $restore = New-Restore sample -Name isolated -StorageLocation $Store -ToDirectory $out -WarningAction SilentlyContinue
            $restoreManifest = Join-Path -Path $WorkDirectory -ChildPath 'restore.yaml'
            Set-Content -LiteralPath $restoreManifest -Encoding utf8 -Value "apiVersion: velero.io/v1`nkind: Restore`nmetadata:`n  name: planned`nspec:`n  backupName: sample`n  includedResources:`n  - configmaps`n"
            $plan = @(Get-RestorePlan -Manifest $restoreManifest -StorageLocation $Store -ToDirectory (Join-Path -Path $WorkDirectory -ChildPath 'planned'))
            $deployment = Get-ChildItem -LiteralPath $out -Recurse -File -Filter '*-deployment-demo-web.yaml' | Get-Content -Raw

            [pscustomobject]@{
                FakeName           = $fake.GetName().Name
                FakeVersion        = $fake.GetName().Version.ToString()
                FakeContext        = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($fake).Name
                OursVersion        = $ours.GetName().Version.ToString()
                OursLocation       = $ours.Location
                OursContext        = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($ours).Name
                WantedVersion      = $reference.Version.ToString()
                RestorePhase       = $restore.Phase
                ManifestCount      = @(Get-ChildItem -LiteralPath $out -Recurse -File -Filter '*.yaml').Count
                Deployment         = $deployment
                PlanRestore        = @($plan.Restore | Sort-Object -Unique) -join ','
                PlanCreated        = @($plan | Where-Object { $_.Action -eq 'Create' -and -not $_.IsNamespace } | ForEach-Object { "$($_.Resource)/$($_.Name)" }) -join ','
                # The other module's copy still serves its owner after ours ran.
                FakeOwner          = [YamlDotNet.FakeMarker]::new().Owner
                FakeTypeLocation   = [YamlDotNet.FakeMarker].Assembly.Location
                # Every YamlDotNet in the process, and its context: ours never lands in the default one.
                LoadedYaml         = @([System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'YamlDotNet' } |
                        ForEach-Object { '{0}@{1}' -f $_.GetName().Version, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name } | Sort-Object) -join ','
            }
        }
        try {
            $result = & $pwsh -NoProfile -NonInteractive -Command $probe -args $manifestPath, $work, $store
        }
        finally {
            Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
        }

        $result | Should -Not -BeNullOrEmpty
        $result.FakeName | Should -Be 'YamlDotNet'
        $result.FakeVersion | Should -Be '1.0.0.0'
        $result.FakeContext | Should -Be 'Default'
        $result.OursContext | Should -Be 'Restore'
        $result.OursVersion | Should -Be $result.WantedVersion
        $result.OursVersion | Should -Not -Be '1.0.0.0'
        $result.OursLocation | Should -Be ([System.IO.Path]::Combine($moduleBase, 'dependencies', 'YamlDotNet.dll'))
        $result.RestorePhase | Should -Be 'Completed'
        $result.ManifestCount | Should -Be 8
        $result.Deployment | Should -Match '(?m)^kind: Deployment\r?$'
        $result.Deployment | Should -Match '(?m)^  name: web\r?$'
        $result.PlanRestore | Should -Be 'planned'
        $result.PlanCreated | Should -Be 'configmaps/web-config'
        $result.FakeOwner | Should -Be 'other module'
        $result.FakeTypeLocation | Should -Be (Join-Path -Path $work -ChildPath 'YamlDotNet.dll')
        $result.LoadedYaml | Should -Be "1.0.0.0@Default,$($result.WantedVersion)@Restore"
    }
}
