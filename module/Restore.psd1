@{
    RootModule           = 'Restore.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core', 'Desktop')
    GUID                 = '6f0b9c52-3f0d-4e0c-9d84-1c1b0f0f2a6e'
    Author               = 'Restore contributors'
    CompanyName          = 'Restore contributors'
    Copyright            = '(c) Restore contributors. MIT License.'
    Description          = 'Restores Kubernetes clusters, namespaces and single resources from Velero-format backups, client-side, without a Velero server.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    # Imported before RootModule: installs the resolver for dependencies/ (see ModuleLoader.cs for why).
    NestedModules        = @('dependencies/Restore.PowerShell.Loader.dll')
    FormatsToProcess     = @('Restore.Format.ps1xml')
    # Updatable help (Update-Help, Save-Help): Restore_<GUID>_HelpInfo.xml and the help content that build.ps1 -Package
    # writes to out/packages/help/, published as assets of each GitHub release (docs/signing.md, "What a release publishes").
    HelpInfoURI          = 'https://github.com/restore-ps/Restore/releases/latest/download/'
    CmdletsToExport      = @(
        'Get-Backup'
        'Get-BackupItem'
        'Get-Restore'
        'Get-RestoreItem'
        'Get-RestoreLog'
        'Get-RestorePlan'
        'New-Restore'
        'Remove-Restore'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Kubernetes', 'Velero', 'Backup', 'Restore', 'DisasterRecovery', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/restore-ps/Restore/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/restore-ps/Restore'
            # build.ps1 -Package replaces this with the CHANGELOG.md section of ModuleVersion, and adds Prerelease when asked.
            ReleaseNotes = 'https://github.com/restore-ps/Restore/blob/main/CHANGELOG.md'
        }
    }
}
