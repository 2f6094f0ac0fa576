#Requires -Version 7.0
# Every cmdlet, the whole restore lifecycle, on each way to name a storage location: a folder; S3 on s3rver (tests/s3),
# by -StorageLocation and by $env:RESTORE_STORAGE_LOCATION; Azure Blob Storage on Azurite (tests/azurite) with the
# account key, a SAS token, and the key in AZURE_STORAGE_ACCOUNT_ACCESS_KEY as Velero's Azure plugin reads it; and
# gs:// on the Cloud Storage emulator (tests/gcs). Each server runs once for the file, on 127.0.0.1. What is particular
# to one kind of store (its errors, its credentials, its dependencies) is in AzureStorage.Tests.ps1 and
# GcsStorage.Tests.ps1.

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath 'AzureTestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath 'GcsTestHelpers.ps1')
    Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
    $s3 = Start-TestS3Server
    $azurite = Start-TestAzurite
    $gcs = Start-TestGcsServer
    $sampleItems = (Get-TestSampleItem) -join ','
    $sampleOutcomes = (Get-TestSampleItem -Outcome) -join ','
}

AfterAll {
    foreach ($server in $s3, $azurite, $gcs) {
        if ($server) { Stop-TestApiServer -Process $server.Process }
    }
    foreach ($data in $s3.Data, $azurite.Data) {
        if ($data) { Remove-Item -LiteralPath $data -Recurse -Force -ErrorAction SilentlyContinue }
    }
    Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
}

Describe 'Storage location: <Kind>' -ForEach @(
    @{ Kind = 'a folder'; Key = 'folder' }
    @{ Kind = 's3://bucket/prefix on s3rver'; Key = 's3' }
    @{ Kind = '$env:RESTORE_STORAGE_LOCATION (S3)'; Key = 's3-env' }
    @{ Kind = 'Azurite URL with the account key (-Credential)'; Key = 'azure-key' }
    @{ Kind = 'azure://account/container with -Endpoint and -SasToken'; Key = 'azure-sas' }
    @{ Kind = 'azure:// with the key in AZURE_STORAGE_ACCOUNT_ACCESS_KEY'; Key = 'azure-env' }
    @{ Kind = 'gs://bucket/prefix on the Cloud Storage emulator'; Key = 'gcs' }
) {
    BeforeAll {
        $copy = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath "location-$Key")
        $savedLocation = $env:RESTORE_STORAGE_LOCATION
        $savedAzureKey = $env:AZURE_STORAGE_ACCOUNT_ACCESS_KEY
        # Objects from Get-Backup and Get-Restore carry the location, endpoint and region, never the credential.
        $s3Parameters = @{ Endpoint = $s3.Endpoint; Region = 'us-east-1'; Credential = $s3.Credential }
        switch ($Key) {
            'folder' {
                $store, $bucket, $prefix, $endpoint, $location = 'folder', $null, $null, $null, $copy
                $parameters = @{ StorageLocation = $copy }
                $downstream = @{}
            }
            's3' {
                $store, $bucket, $prefix, $endpoint = 's3', 'velero', 'prod', $s3.Endpoint
                $location = "s3://$bucket/$prefix"
                $parameters = $s3Parameters + @{ StorageLocation = $location }
                $downstream = @{ Credential = $s3.Credential }
            }
            's3-env' {
                $store, $bucket, $prefix, $endpoint = 's3', 'velero-env', 'team/prod', $s3.Endpoint
                $location = "s3://$bucket/$prefix"
                $env:RESTORE_STORAGE_LOCATION = $location
                $parameters = $s3Parameters
                $downstream = @{ Credential = $s3.Credential }
            }
            'azure-key' {
                $store, $bucket, $prefix, $endpoint = 'azure', 'velero', 'aks/prod', $null
                $location = "$($azurite.ServiceUrl)/$bucket/$prefix"
                $parameters = @{ StorageLocation = $location; Credential = $azurite.Credential }
                $downstream = @{ Credential = $azurite.Credential }
            }
            'azure-sas' {
                $store, $bucket, $prefix, $endpoint = 'azure', 'velero-sas', 'prod', $azurite.ServiceUrl
                $location = "azure://$($azurite.Account)/$bucket/$prefix"
                $sas = ConvertTo-SecureString -String ('?' + (New-TestAzuriteSas -Permissions 'rwdlac')) -AsPlainText -Force
                $parameters = @{ StorageLocation = $location; Endpoint = $endpoint; SasToken = $sas }
                $downstream = @{ SasToken = $sas }
            }
            'azure-env' {
                $store, $bucket, $prefix, $endpoint = 'azure', 'velero-env', '', $azurite.ServiceUrl
                $env:AZURE_STORAGE_ACCOUNT_ACCESS_KEY = $azurite.Credential.GetNetworkCredential().Password
                $location = "azure://$($azurite.Account)/$bucket"
                $parameters = @{ StorageLocation = $location; Endpoint = $endpoint }
                $downstream = @{}
            }
            'gcs' {
                $store, $bucket, $prefix, $endpoint = 'gcs', 'restore-pester', 'velero/cluster-a', $gcs.Endpoint
                $location = "gs://$bucket/$prefix"
                $parameters = @{ StorageLocation = $location; Endpoint = $endpoint }
                $downstream = @{}
            }
        }
        switch ($store) {
            's3' { Copy-FolderToTestS3 -Server $s3 -Bucket $bucket -Prefix $prefix -Path $copy }
            'azure' { Copy-FolderToTestAzurite -Server $azurite -Container $bucket -Prefix $prefix -Path $copy }
            'gcs' { Copy-FolderToTestGcs -Server $gcs -Bucket $bucket -Prefix $prefix -Path $copy }
        }

        function Get-StoredFile([string] $Under) {
            # The files under <Under> ('restores/<name>/', 'backups/'), relative to it, wherever the location keeps them.
            $full = if ($prefix) { "$prefix/$Under" } else { $Under }
            $keys = switch ($store) {
                'folder' {
                    $folder = Join-Path -Path $copy -ChildPath $Under
                    Get-ChildItem -LiteralPath $folder -Recurse -File -ErrorAction SilentlyContinue |
                        ForEach-Object { "$full" + [System.IO.Path]::GetRelativePath($folder, $_.FullName).Replace('\', '/') }
                }
                's3' { Get-TestS3Key -Server $s3 -Bucket $bucket -Prefix $full }
                'azure' { Get-TestAzuriteBlob -Server $azurite -Container $bucket -Prefix $full }
                'gcs' { Get-TestGcsKey -Server $gcs -Bucket $bucket -Prefix $full }
            }
            $keys | ForEach-Object { $_.Substring($full.Length) } | Sort-Object
        }

        function Get-StoredRestoreFile([string] $Restore) {
            Get-StoredFile $(if ($Restore) { "restores/$Restore/" } else { 'restores/' })
        }

        $backupsBefore = @(Get-StoredFile 'backups/')
        $out = Join-Path -Path $TestDrive -ChildPath "restored-$Key"
        $restore = New-Restore sample -Name e2e -ToDirectory $out @parameters -WarningAction SilentlyContinue
        $null = New-Restore sample -Name e2e-remove -ToDirectory "$out-remove" @parameters -WarningAction SilentlyContinue
    }

    AfterAll {
        $env:RESTORE_STORAGE_LOCATION = $savedLocation
        $env:AZURE_STORAGE_ACCOUNT_ACCESS_KEY = $savedAzureKey
    }

    It 'Get-Backup lists the sample backup, with the location it came from' {
        $backups = @(Get-Backup @parameters)

        ($backups.Name -join ',') | Should -Be 'sample'
        $backups[0].Phase | Should -Be 'Completed'
        $backups[0].ItemsBackedUp | Should -Be 9
        $backups[0].StorageLocation | Should -Be $location
        "$($backups[0].Endpoint)" | Should -Be "$endpoint"
    }

    It 'Get-BackupItem lists the items of the backup, by name and from Get-Backup' {
        Get-BackupItem sample @parameters | Format-TestItem | Should -Be $sampleItems
        Get-Backup sample @parameters | Get-BackupItem @downstream | Format-TestItem | Should -Be $sampleItems
    }

    It 'Get-RestorePlan plans a restore into a folder and writes nothing' {
        $before = @(Get-StoredRestoreFile)
        $target = Join-Path -Path $TestDrive -ChildPath "plan-$Key"

        $plan = @(Get-RestorePlan sample -ToDirectory $target @parameters)

        $plan.Count | Should -Be 10
        (@($plan | Where-Object Action -EQ 'Create' | Sort-Object Order | ForEach-Object { "$($_.Order):$($_.Resource)" }) -join ',') |
            Should -Be '1:namespaces,2:persistentvolumeclaims,3:clusterroles.rbac.authorization.k8s.io,4:serviceaccounts,5:secrets,6:configmaps,7:services,8:deployments.apps'
        (@(Get-StoredRestoreFile) -join ',') | Should -Be ($before -join ',')
        Test-Path -LiteralPath $target | Should -BeFalse
    }

    It 'New-Restore restores into a folder and writes the record, log and results to the location, and nothing else' {
        $restore.Phase | Should -Be 'Completed'
        $restore.ItemsRestored | Should -Be 9
        $restore.TotalItems | Should -Be 9
        $restore.StorageLocation | Should -Be $location
        $restore.Cluster | Should -Be $out
        @(Get-ChildItem -LiteralPath $out -Recurse -File -Filter *.yaml).Count | Should -Be 8
        $stored = @(Get-StoredRestoreFile e2e)
        foreach ($file in 'restore-e2e-record.json', 'restore-e2e-logs.gz', 'restore-e2e-results.gz', 'restore-e2e-resource-list.json.gz') {
            $stored | Should -Contain $file
        }
        $backupsBefore.Count | Should -BeGreaterThan 0
        (@(Get-StoredFile 'backups/') -join ',') | Should -Be ($backupsBefore -join ',')
    }

    It 'New-Restore takes the backup, with its location, from Get-Backup' {
        $piped = Get-Backup sample @parameters | New-Restore -Name e2e-piped -ToDirectory "$out-piped" @downstream -WarningAction SilentlyContinue

        $piped.Phase | Should -Be 'Completed'
        $piped.StorageLocation | Should -Be $location
        @(Get-StoredRestoreFile e2e-piped) | Should -Contain 'restore-e2e-piped-record.json'
    }

    It 'Get-Restore reads the record back from the location, by name and from Get-Backup' {
        $read = Get-Restore e2e @parameters

        $read.HasRecord | Should -BeTrue
        $read.Phase | Should -Be 'Completed'
        $read.Backup | Should -Be 'sample'
        $read.ItemsRestored | Should -Be 9
        $read.Cluster | Should -Be $out
        $read.StorageLocation | Should -Be $location
        "$($read.Endpoint)" | Should -Be "$endpoint"
        @(Get-Backup sample @parameters | Get-Restore @downstream).Name | Should -Contain 'e2e'
    }

    It 'Get-RestoreItem reads the item outcomes, by name and from Get-Restore' {
        Get-RestoreItem e2e @parameters | Format-TestItem -Action | Should -Be $sampleOutcomes
        Get-Restore e2e @parameters | Get-RestoreItem @downstream | Format-TestItem -Action | Should -Be $sampleOutcomes
    }

    It 'Get-RestoreLog reads the log, parsed and raw, by name and from Get-Restore' {
        $entries = @(Get-RestoreLog e2e @parameters)
        $raw = @(Get-RestoreLog e2e @parameters -Raw)

        $entries[0].Message | Should -Be 'starting restore'
        $entries[-1].Message | Should -Be 'restore completed'
        @($entries | Where-Object Level -EQ 'Warning').Count | Should -Be 2
        $raw.Count | Should -Be $entries.Count
        (Get-Restore e2e @parameters | Get-RestoreLog @downstream -Tail 1).Message | Should -Be 'restore completed'
    }

    It 'Remove-Restore deletes the restore from the location, not what it restored' {
        @(Get-StoredRestoreFile e2e-remove) | Should -Contain 'restore-e2e-remove-record.json'

        Remove-Restore e2e-remove @parameters -Confirm:$false

        @(Get-StoredRestoreFile e2e-remove).Count | Should -Be 0
        Get-Restore e2e-remove @parameters -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'GetRestoreRestoreNotFound,*'
        @(Get-ChildItem -LiteralPath "$out-remove" -Recurse -File).Count | Should -Be 8
        @(Get-StoredRestoreFile e2e) | Should -Contain 'restore-e2e-record.json'
    }
}
