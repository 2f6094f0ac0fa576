#Requires -Modules Pester
# Azure Blob Storage on Azurite (tests/azurite), as an AKS admin meets it: a restore into the test API server; wrong
# credentials and a missing container with their error ids, never showing the secret; and our Azure.Core kept apart
# from another version loaded first. Every cmdlet on the three ways to name an Azure location (the account key, a SAS
# token, AZURE_STORAGE_ACCOUNT_ACCESS_KEY) is in StorageLocations.Tests.ps1.

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath 'AzureTestHelpers.ps1')
    $manifestPath = Get-RestoreManifestPath
    Import-Module -Name $manifestPath -Force -ErrorAction Stop
    $azurite = Start-TestAzurite
    $sample = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'sample')
}

AfterAll {
    if ($azurite) {
        Stop-TestApiServer -Process $azurite.Process
        Remove-Item -LiteralPath $azurite.Data -Recurse -Force -ErrorAction SilentlyContinue
    }
    Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
}

Describe 'A restore from Azure Blob Storage into a cluster' {
    BeforeAll {
        Copy-FolderToTestAzurite -Server $azurite -Container 'velero-cluster' -Path $sample
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig'
        $server = Start-TestApiServer -KubeConfig $kubeconfig
        $location = "$($azurite.ServiceUrl)/velero-cluster"
        $restore = New-Restore sample -Name into-cluster -StorageLocation $location -Credential $azurite.Credential -KubeConfig $kubeconfig -WarningAction SilentlyContinue
    }

    AfterAll {
        Stop-TestApiServer -Process $server
    }

    It 'restores every item into the test API server and records it in the container' {
        $restore.Phase | Should -Be 'Completed'
        $restore.ItemsRestored | Should -Be 9
        $restore.Cluster | Should -Be 'restore-test-token'
        (Get-Restore into-cluster -StorageLocation $location -Credential $azurite.Credential).Phase | Should -Be 'Completed'
        Get-TestAzuriteBlob -Server $azurite -Container 'velero-cluster' -Prefix 'restores/into-cluster/' | Should -Contain 'restores/into-cluster/restore-into-cluster-record.json'
    }

    It 'the objects are in the cluster, labelled with the restore (kubectl)' {
        if (-not (Get-TestKubectlPath)) { Set-ItResult -Skipped -Because 'kubectl is not on PATH; it is optional (README.md, Requirements)' }

        $objects = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'configmaps,services,deployments.apps', '--namespace', 'demo', '--selector', 'velero.io/restore-name=into-cluster') -Json
        (@($objects.items | ForEach-Object { "$($_.kind)/$($_.metadata.name)" } | Sort-Object) -join ',') | Should -Be 'ConfigMap/web-config,Deployment/web,Service/web'
    }
}

Describe 'Azure failures an admin meets' {
    BeforeAll {
        Copy-FolderToTestAzurite -Server $azurite -Container 'velero-fail' -Path $sample
        $location = "$($azurite.ServiceUrl)/velero-fail"
        $wrongKey = [Convert]::ToBase64String([System.Text.Encoding]::ASCII.GetBytes('not the key of devstoreaccount1, not at all'))
        $wrong = [pscredential]::new($azurite.Account, (ConvertTo-SecureString -String $wrongKey -AsPlainText -Force))
        $readOnlySas = New-TestAzuriteSas -Permissions 'rl'
        $forgedSas = New-TestAzuriteSas -Permissions 'rl' -Key $wrongKey
        $forgedSignature = [uri]::UnescapeDataString(($forgedSas -split '&' | Where-Object { $_ -like 'sig=*' }).Substring(4))

        function Invoke-Captured([scriptblock] $Command) {
            # Every stream the command writes, as text, and the terminating error it stops with.
            $lines = [System.Collections.Generic.List[string]]::new()
            $thrown = $null
            try { & $Command *>&1 | ForEach-Object { $lines.Add("$_") } }
            catch { $thrown = $_ }
            [pscustomobject]@{
                Error = $thrown
                Text  = ($lines -join "`n") + "`n" + ($thrown | Out-String) + "`n" + "$($thrown.Exception)" + "`n" + "$($thrown.Exception.InnerException)"
            }
        }
    }

    It 'a wrong account key stops Get-Backup with GetBackupStorageAccessDenied, naming the container, never the key' {
        $run = Invoke-Captured { Get-Backup -StorageLocation $location -Credential $wrong -Verbose -Debug }

        $run.Error.FullyQualifiedErrorId | Should -BeLike 'GetBackupStorageAccessDenied,*'
        "$($run.Error.CategoryInfo.Category)" | Should -Be 'PermissionDenied'
        $run.Error.Exception.Message | Should -Match "container 'velero-fail' of the account 'devstoreaccount1'"
        $run.Error.Exception.Message | Should -Match 'account key or SAS token is wrong'
        $run.Text | Should -Not -Match ([regex]::Escape($wrongKey))
    }

    It 'a SAS signed with another key stops New-Restore with NewRestoreStorageAccessDenied and never shows the signature' {
        $sas = ConvertTo-SecureString -String $forgedSas -AsPlainText -Force
        $target = Join-Path -Path $TestDrive -ChildPath 'never'

        $run = Invoke-Captured { New-Restore sample -Name forged -StorageLocation $location -SasToken $sas -ToDirectory $target -Verbose }

        $run.Error.FullyQualifiedErrorId | Should -BeLike 'NewRestoreStorageAccessDenied,*'
        $run.Error.Exception.Message | Should -Match 'SAS token given with -SasToken'
        $run.Text | Should -Not -Match ([regex]::Escape($forgedSignature))
        $run.Text | Should -Not -Match ([regex]::Escape([uri]::EscapeDataString($forgedSignature)))
        Test-Path -LiteralPath $target | Should -BeFalse
    }

    It 'a read-only SAS reads backups, and New-Restore says it cannot write the record' {
        $sas = ConvertTo-SecureString -String $readOnlySas -AsPlainText -Force

        (Get-Backup -StorageLocation $location -SasToken $sas).Name | Should -Be 'sample'
        $run = Invoke-Captured { New-Restore sample -Name readonly -StorageLocation $location -SasToken $sas -ToDirectory (Join-Path -Path $TestDrive -ChildPath 'ro') -WarningAction SilentlyContinue }

        $run.Error.FullyQualifiedErrorId | Should -BeLike 'NewRestoreStorageAccessDenied,*'
        $run.Error.Exception.Message | Should -Match 'SAS token does not allow'
        Get-TestAzuriteBlob -Server $azurite -Container 'velero-fail' -Prefix 'restores/' | Should -BeNullOrEmpty
    }

    It 'a container that does not exist is GetBackupStorageNotFound' {
        $run = Invoke-Captured { Get-Backup -StorageLocation "$($azurite.ServiceUrl)/no-such-container" -Credential $azurite.Credential }

        $run.Error.FullyQualifiedErrorId | Should -BeLike 'GetBackupStorageNotFound,*'
        $run.Error.Exception.Message | Should -Match "'no-such-container' does not exist in the storage account 'devstoreaccount1'"
    }

    It 'a malformed azure:// location is GetBackupStorageLocationInvalid, saying the right form' {
        $run = Invoke-Captured { Get-Backup -StorageLocation 'azure://devstoreaccount1' }

        $run.Error.FullyQualifiedErrorId | Should -BeLike 'GetBackupStorageLocationInvalid,*'
        $run.Error.Exception.Message | Should -Match 'azure://<account>/<container>'
    }

    It 'a SAS pasted into the URL is refused, and the error never shows it' {
        $run = Invoke-Captured { Get-Backup -StorageLocation "$location`?$forgedSas" }

        $run.Error.FullyQualifiedErrorId | Should -BeLike 'GetBackupStorageLocationInvalid,*'
        $run.Error.Exception.Message | Should -Match '-SasToken'
        "$($run.Error.TargetObject)" | Should -Be $location
        $run.Text | Should -Not -Match ([regex]::Escape([uri]::EscapeDataString($forgedSignature)))
    }

    It 'Entra ID over plain http is refused: GetBackupStorageLocationInvalid' {
        $run = Invoke-Captured { Get-Backup -StorageLocation $location -AzureCredentialSource ManagedIdentity }

        $run.Error.FullyQualifiedErrorId | Should -BeLike 'GetBackupStorageLocationInvalid,*'
        $run.Error.Exception.Message | Should -Match 'needs an https:// endpoint'
    }

    It 'a credential source that finds nothing is GetBackupStorageCredentialsUnavailable' {
        $saved = $env:AZURE_CLIENT_SECRET, $env:AZURE_CLIENT_CERTIFICATE_PATH
        $env:AZURE_CLIENT_SECRET = $null
        $env:AZURE_CLIENT_CERTIFICATE_PATH = $null
        try {
            # https to a closed port: the sign-in fails before any connection is tried.
            $run = Invoke-Captured { Get-Backup -StorageLocation 'https://127.0.0.1:1/devstoreaccount1/velero' -AzureCredentialSource Environment }
        }
        finally { $env:AZURE_CLIENT_SECRET, $env:AZURE_CLIENT_CERTIFICATE_PATH = $saved }

        $run.Error.FullyQualifiedErrorId | Should -BeLike 'GetBackupStorageCredentialsUnavailable,*'
        "$($run.Error.CategoryInfo.Category)" | Should -Be 'AuthenticationError'
        $run.Error.Exception.Message | Should -Match 'AZURE_CLIENT_SECRET'
    }
}

Describe 'Azure.Core isolation' {
    It 'uses its own Azure.Core when another version was loaded first (as Az.Accounts does), and the other still works' {
        if ($PSVersionTable.PSEdition -ne 'Core') { Set-ItResult -Skipped -Because 'Windows PowerShell has no assembly load contexts: the README says what holds there' }
        # Another module's copy, as Az.Accounts ships one: Azure.Core 1.53.0 (tests/Restore.TestSupport downloads it into
        # the NuGet cache) with the System.ClientModel and System.Memory.Data it needs, side by side in one folder.
        $cache = Join-Path -Path $HOME -ChildPath '.nuget/packages'
        $otherModule = Join-Path -Path $TestDrive -ChildPath 'OtherModule'
        $null = New-Item -ItemType Directory -Path $otherModule
        foreach ($package in @('azure.core/1.53.0', 'system.clientmodel/*', 'system.memory.data/*')) {
            $dll = Get-ChildItem -Path (Join-Path -Path $cache -ChildPath "$package/lib/net8.0/*.dll") -ErrorAction SilentlyContinue |
                Sort-Object -Property FullName | Select-Object -Last 1
            $dll | Should -Not -BeNullOrEmpty -Because "$package is in the NuGet cache after a restore of the solution"
            Copy-Item -LiteralPath $dll.FullName -Destination $otherModule
        }
        $other = Get-Item -LiteralPath (Join-Path -Path $otherModule -ChildPath 'Azure.Core.dll')
        Copy-FolderToTestAzurite -Server $azurite -Container 'velero-iso' -Path $sample
        $pwsh = Get-TestPwshPath
        $probe = {
            param($ManifestPath, $OtherAzureCore, $Location, $Key)
            $ErrorActionPreference = 'Stop'
            $otherCore = [System.Reflection.Assembly]::LoadFrom($OtherAzureCore)
            # The other copy serves its owner before and after ours runs.
            $header = $otherCore.GetType('Azure.Core.HttpHeader', $true)
            $before = [System.Activator]::CreateInstance($header, [object[]] @('x', 'y')).ToString()
            Import-Module -Name $ManifestPath
            $credential = [pscredential]::new('devstoreaccount1', (ConvertTo-SecureString -String $Key -AsPlainText -Force))
            $backups = @(Get-Backup -StorageLocation $Location -Credential $credential)
            $after = [System.Activator]::CreateInstance($header, [object[]] @('x', 'y')).ToString()
            [pscustomobject]@{
                Backups  = ($backups.Name -join ',')
                Before   = $before
                After    = $after
                Loaded   = @([System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Azure.Core' } |
                        ForEach-Object { '{0}@{1}@{2}' -f $_.GetName().Version, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name, $_.Location } | Sort-Object)
                Other    = $otherCore.Location
            }
        }

        $result = & $pwsh -NoProfile -NonInteractive -Command $probe -args $manifestPath, $other.FullName, "$($azurite.ServiceUrl)/velero-iso", $azurite.Credential.GetNetworkCredential().Password

        $result | Should -Not -BeNullOrEmpty
        $result.Backups | Should -Be 'sample'
        $result.Before | Should -Be 'x:y'
        $result.After | Should -Be 'x:y'
        $moduleBase = Split-Path -Parent $manifestPath
        $ours = [System.IO.Path]::Combine($moduleBase, 'dependencies', 'Azure.Core.dll')
        @($result.Loaded).Count | Should -Be 2
        @($result.Loaded | Where-Object { $_ -like "*@Default@$($other.FullName)" }).Count | Should -Be 1
        @($result.Loaded | Where-Object { $_ -like "*@Restore@$ours" }).Count | Should -Be 1
    }
}
