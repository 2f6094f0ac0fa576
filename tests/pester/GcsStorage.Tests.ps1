#Requires -Version 7.0
# gs:// storage locations through the cmdlets of the built module, against the Cloud Storage emulator of firebase-tools
# (tests/gcs: a real Google Cloud Storage JSON API server, started here on 127.0.0.1 and a free port). The emulator
# takes requests without credentials; an http:// -Endpoint gets none from the module unless -GoogleCredentialFile is
# given. A restore into the test API server, the errors an admin meets first, and Google's Newtonsoft.Json kept apart
# from the one pwsh itself loads; every cmdlet on a gs:// location is in StorageLocations.Tests.ps1.

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath 'GcsTestHelpers.ps1')
    Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
    $gcs = Start-TestGcsServer
    $bucket = 'restore-pester'
    $prefix = 'velero/cluster-a'
    $copy = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'sample')
    Copy-FolderToTestGcs -Server $gcs -Bucket $bucket -Prefix $prefix -Path $copy
    $location = "gs://$bucket/$prefix"
    $parameters = @{ StorageLocation = $location; Endpoint = $gcs.Endpoint }
    function Get-StoredRestoreKey([string] $Name) {
        Get-TestGcsKey -Server $gcs -Bucket $bucket -Prefix "$prefix/restores/$Name/" | ForEach-Object { $_.Substring("$prefix/restores/$Name/".Length) }
    }
}

AfterAll {
    Stop-TestApiServer -Process $gcs.Process
    Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
}

Describe 'A restore from gs:// into a cluster' {
    # The lifecycle on gs:// (every cmdlet, a restore into a folder) is in StorageLocations.Tests.ps1.
    It 'New-Restore restores into a cluster (the test API server), and Remove-Restore deletes only its files' {
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'cluster.kubeconfig'
        $server = Start-TestApiServer -KubeConfig $kubeconfig
        try {
            $restore = New-Restore sample -Name gcs-cluster @parameters -KubeConfig $kubeconfig -WarningAction SilentlyContinue
            $restore.Phase | Should -Be 'Completed'
            $restore.ItemsRestored | Should -Be 9
            Get-StoredRestoreKey gcs-cluster | Should -Contain 'restore-gcs-cluster-record.json'
            (Get-RestoreItem gcs-cluster @parameters | Where-Object Action -EQ 'Created').Count | Should -Be 8
            if (Get-TestKubectlPath) {
                $web = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'deployments.apps', 'web', '--namespace', 'demo') -Json
                $web.metadata.labels.'velero.io/restore-name' | Should -Be 'gcs-cluster'
            }
        }
        finally {
            Stop-TestApiServer -Process $server
        }

        Remove-Restore gcs-cluster @parameters -Confirm:$false | Should -BeNullOrEmpty
        @(Get-StoredRestoreKey gcs-cluster).Count | Should -Be 0
        @(Get-Restore @parameters).Name | Should -Not -Contain 'gcs-cluster'
        @(Get-TestGcsKey -Server $gcs -Bucket $bucket -Prefix "$prefix/backups/sample/").Count | Should -BeGreaterThan 0
    }
}

Describe 'gs:// errors an admin meets first' {
    It 'a bucket name Cloud Storage cannot have is a bad argument' {
        $thrown = Get-ThrownError { Get-Backup -StorageLocation 'gs://Velero_Backups' -Endpoint $gcs.Endpoint }
        $thrown.FullyQualifiedErrorId | Should -BeLike 'GetBackupStorageLocationInvalid*'
        $thrown.Exception.Message | Should -Match 'upper-case'
    }

    It 'S3 options on a gs:// location are named' {
        $thrown = Get-ThrownError { Get-Backup @parameters -Region eu-west-1 }
        $thrown.FullyQualifiedErrorId | Should -BeLike 'GetBackupStorageLocationInvalid*'
        $thrown.Exception.Message | Should -Match '-Region'
    }

    It 'an unreachable endpoint says which one' {
        $thrown = Get-ThrownError { Get-Backup -StorageLocation $location -Endpoint 'http://127.0.0.1:1' }
        $thrown.FullyQualifiedErrorId | Should -BeLike 'GetBackupStorageUnreachable*'
        $thrown.Exception.Message | Should -Match '127\.0\.0\.1:1'
    }

    It 'a missing credential file is named' {
        $missing = Join-Path -Path $TestDrive -ChildPath 'no-such-key.json'
        $thrown = Get-ThrownError { Get-Backup @parameters -GoogleCredentialFile $missing }
        $thrown.FullyQualifiedErrorId | Should -BeLike 'GetBackupStorageCredentialsUnavailable*'
        $thrown.Exception.Message | Should -Match ([regex]::Escape($missing))
    }

    It 'no credentials at all (no file, no GOOGLE_APPLICATION_CREDENTIALS, no gcloud sign-in, no metadata server) says what was tried' {
        # A fresh pwsh: an empty home (no gcloud file), and the metadata server pointed at a closed loopback port, so
        # application default credentials look everywhere and find nothing without leaving this machine.
        $home2 = Join-Path -Path $TestDrive -ChildPath 'empty-home'
        $null = New-Item -ItemType Directory -Path $home2 -Force
        $script = @"
Import-Module '$(Get-RestoreManifestPath)'
try { Get-Backup -StorageLocation 'gs://$bucket/$prefix' -ErrorAction Stop | Out-Null; 'no error' }
catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }
"@
        $environment = @{ HOME = $home2; GCE_METADATA_HOST = '127.0.0.1:1'; GOOGLE_APPLICATION_CREDENTIALS = $null; CLOUDSDK_CONFIG = (Join-Path $home2 'gcloud') }
        $saved = @{}
        foreach ($name in $environment.Keys) { $saved[$name] = [System.Environment]::GetEnvironmentVariable($name); [System.Environment]::SetEnvironmentVariable($name, $environment[$name]) }
        try {
            $output = @(& (Get-TestPwshPath) -NoProfile -NonInteractive -Command $script 2>&1 | ForEach-Object { "$_" })
        }
        finally {
            foreach ($name in $saved.Keys) { [System.Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
        $output[0] | Should -BeLike 'GetBackupStorageCredentialsUnavailable*'
        ($output -join "`n") | Should -Match 'GOOGLE_APPLICATION_CREDENTIALS'
        ($output -join "`n") | Should -Match '-GoogleCredentialFile'
    }
}

Describe 'Newtonsoft.Json isolation' {
    It 'reads gs:// in a fresh pwsh that already loaded its own Newtonsoft.Json, with Google''s copy in the Restore load context' {
        # pwsh ships Newtonsoft.Json and loads it into the default context; Google's libraries need theirs. Both load,
        # side by side: ours from the module's dependencies folder, in the Restore context.
        $script = @"
`$null = '{"a":1}' | ConvertFrom-Json
`$pwshCopy = [System.Reflection.Assembly]::Load('Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed')
`$null = [Newtonsoft.Json.JsonConvert]::SerializeObject(@{ a = 1 })
Import-Module '$(Get-RestoreManifestPath)'
(Get-Backup -StorageLocation '$location' -Endpoint '$($gcs.Endpoint)').Name
foreach (`$assembly in [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Newtonsoft.Json' }) {
    'newtonsoft|{0}|{1}|{2}' -f [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$assembly).Name, `$assembly.Location, [object]::ReferenceEquals(`$assembly, `$pwshCopy)
}
"@
        $output = @(& (Get-TestPwshPath) -NoProfile -NonInteractive -Command $script 2>&1 | ForEach-Object { "$_" })
        $output[0] | Should -Be 'sample' -Because ($output -join "`n")
        $copies = @($output | Where-Object { $_ -like 'newtonsoft|*' } | ForEach-Object { , ($_ -split '\|') })
        $copies.Count | Should -Be 2 -Because ($output -join "`n")
        $dependencies = Join-Path -Path (Split-Path -Parent (Get-RestoreManifestPath)) -ChildPath 'dependencies'
        $ours = @($copies | Where-Object { $_[1] -eq 'Restore' })
        $ours.Count | Should -Be 1
        $ours[0][2] | Should -Be (Join-Path -Path $dependencies -ChildPath 'Newtonsoft.Json.dll')
        $ours[0][3] | Should -Be 'False'
        @($copies | Where-Object { $_[3] -eq 'True' })[0][1] | Should -Not -Be 'Restore'
    }
}
