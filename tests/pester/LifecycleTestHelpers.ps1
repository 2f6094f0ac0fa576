# Shared by the restore cmdlet tests (New-Restore, Get-RestorePlan, Get-Restore, Get-RestoreItem, Get-RestoreLog,
# Remove-Restore). Dot-sourced in BeforeAll; not a test file.

function Get-RestoreRepositoryRoot {
    [CmdletBinding()]
    [OutputType([string])]
    param()

    Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
}

function New-TestStorageLocation {
    <#
    .SYNOPSIS
        Copies the committed sample backup (examples/backups, backup 'sample') to a fresh folder and returns its path.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [string] $Path
    )

    $source = Join-Path -Path (Get-RestoreRepositoryRoot) -ChildPath 'examples/backups'
    $null = New-Item -ItemType Directory -Path $Path -Force
    # Not restores/: the README's quick start keeps its records there (git ignores them); a test starts with none.
    Get-ChildItem -LiteralPath $source | Where-Object Name -NE 'restores' |
        Copy-Item -Destination $Path -Recurse -Force
    (Resolve-Path -LiteralPath $Path).Path
}

function Add-ScheduledCopyOfSample {
    <#
    .SYNOPSIS
        Adds a copy of the sample backup named <schedule>-<stamp>, labelled velero.io/schedule-name=<schedule>, with the
        given phase and start time, as a Velero schedule would have made it.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $StorageLocation,
        [Parameter(Mandatory)] [string] $Schedule,
        [Parameter(Mandatory)] [datetime] $Started,
        [string] $Phase = 'Completed'
    )

    $name = '{0}-{1:yyyyMMddHHmmss}' -f $Schedule, $Started.ToUniversalTime()
    $from = Join-Path -Path $StorageLocation -ChildPath 'backups/sample'
    $to = Join-Path -Path $StorageLocation -ChildPath "backups/$name"
    $null = New-Item -ItemType Directory -Path $to -Force
    foreach ($file in Get-ChildItem -LiteralPath $from -File) {
        $target = if ($file.Name -eq 'velero-backup.json') { $file.Name } else { $file.Name -replace '^sample', $name }
        Copy-Item -LiteralPath $file.FullName -Destination (Join-Path -Path $to -ChildPath $target)
    }

    # System.Text.Json keeps every other field exactly as stored (ConvertFrom-Json would turn times into DateTime).
    $metadataPath = Join-Path -Path $to -ChildPath 'velero-backup.json'
    $backup = [System.Text.Json.Nodes.JsonNode]::Parse((Get-Content -LiteralPath $metadataPath -Raw))
    $backup['metadata']['name'] = [System.Text.Json.Nodes.JsonValue]::Create($name)
    if ($null -eq $backup['metadata']['labels']) {
        $backup['metadata']['labels'] = [System.Text.Json.Nodes.JsonObject]::new()
    }
    $backup['metadata']['labels']['velero.io/schedule-name'] = [System.Text.Json.Nodes.JsonValue]::Create($Schedule)
    $backup['status']['phase'] = [System.Text.Json.Nodes.JsonValue]::Create($Phase)
    $backup['status']['startTimestamp'] = [System.Text.Json.Nodes.JsonValue]::Create($Started.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ'))
    Set-Content -LiteralPath $metadataPath -Value $backup.ToJsonString() -Encoding utf8
    $name
}

function Set-TestRestoreRecord {
    <#
    .SYNOPSIS
        Writes a restore record by hand (restores/<name>/restore-<name>-record.json), as a run that is still going or
        one that died would have left it.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $StorageLocation,
        [Parameter(Mandatory)] [string] $Name,
        [string] $Phase = 'InProgress',
        [Parameter(Mandatory)] [datetime] $LastUpdate,
        [string] $Backup = 'sample'
    )

    $folder = Join-Path -Path $StorageLocation -ChildPath "restores/$Name"
    $null = New-Item -ItemType Directory -Path $folder -Force
    $time = $LastUpdate.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
    $record = [ordered]@{
        apiVersion = 'velero.io/v1'
        kind       = 'Restore'
        metadata   = [ordered]@{ name = $Name; namespace = 'velero'; uid = [guid]::NewGuid().ToString(); creationTimestamp = $time }
        spec       = [ordered]@{ backupName = $Backup }
        status     = [ordered]@{
            phase               = $Phase
            startTimestamp      = $time
            progress            = [ordered]@{ totalItems = 10; itemsRestored = 4 }
            lastUpdateTimestamp = $time
            targets             = @()
        }
    }
    $record | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath (Join-Path -Path $folder -ChildPath "restore-$Name-record.json") -Encoding utf8
}

function Write-TestGzip {
    <#
    .SYNOPSIS
        Writes text as one gzip member (Velero's *.gz files).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [AllowEmptyString()] [string] $Text
    )

    $null = New-Item -ItemType Directory -Path (Split-Path -Parent $Path) -Force
    $file = [System.IO.File]::Create($Path)
    try {
        $gzip = [System.IO.Compression.GZipStream]::new($file, [System.IO.Compression.CompressionMode]::Compress)
        try {
            $bytes = [System.Text.Encoding]::UTF8.GetBytes($Text)
            $gzip.Write($bytes, 0, $bytes.Length)
        }
        finally {
            $gzip.Dispose()
        }
    }
    finally {
        $file.Dispose()
    }
}

function Get-ThrownError {
    <#
    .SYNOPSIS
        Runs a script block and returns the error record it threw (terminating), or $null.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [scriptblock] $ScriptBlock
    )

    try {
        & $ScriptBlock | Out-Null
    }
    catch {
        return $_
    }
    $null
}

function Get-TestApiServerPath {
    <#
    .SYNOPSIS
        The built tests/Restore.TestApiServer dll: $env:RESTORE_TEST_API_SERVER, else the newest build under its bin/,
        else it is built now (Debug).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    if ($env:RESTORE_TEST_API_SERVER) {
        return $env:RESTORE_TEST_API_SERVER
    }
    $project = Join-Path -Path (Get-RestoreRepositoryRoot) -ChildPath 'tests/Restore.TestApiServer'
    $built = Get-ChildItem -Path (Join-Path -Path $project -ChildPath 'bin/*/net10.0/Restore.TestApiServer.dll') -ErrorAction SilentlyContinue |
        Sort-Object -Property LastWriteTimeUtc -Descending | Select-Object -First 1
    if (-not $built) {
        $null = & dotnet build $project --configuration Debug --nologo --verbosity quiet
        if ($LASTEXITCODE -ne 0) { throw "Building $project failed (exit code $LASTEXITCODE)." }
        $built = Get-Item -LiteralPath (Join-Path -Path $project -ChildPath 'bin/Debug/net10.0/Restore.TestApiServer.dll')
    }
    $built.FullName
}

function Start-TestApiServer {
    <#
    .SYNOPSIS
        Starts the built tests/Restore.TestApiServer on a free loopback port and waits until it has written its
        kubeconfig (contexts restore-test-token, the current one, and restore-test-cert). Returns the process.
    #>
    [CmdletBinding()]
    [OutputType([System.Diagnostics.Process])]
    param(
        [Parameter(Mandatory)] [string] $KubeConfig,
        [string[]] $ExtraArguments = @(),
        [int] $TimeoutSeconds = 60
    )

    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in @((Get-TestApiServerPath), '--kubeconfig', $KubeConfig) + $ExtraArguments) {
        $info.ArgumentList.Add($argument)
    }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($info)
    # Drain the output so the server never blocks on a full pipe.
    $null = $process.StandardOutput.ReadToEndAsync()
    $errors = $process.StandardError.ReadToEndAsync()

    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not ((Test-Path -LiteralPath $KubeConfig) -and (Get-Item -LiteralPath $KubeConfig).Length -gt 0)) {
        if ($process.HasExited) {
            throw "The test API server exited with code $($process.ExitCode): $($errors.Result)"
        }
        if ([datetime]::UtcNow -gt $deadline) {
            Stop-TestApiServer -Process $process
            throw "The test API server did not write $KubeConfig within $TimeoutSeconds seconds."
        }
        Start-Sleep -Milliseconds 100
    }
    $process
}

function Stop-TestApiServer {
    <#
    .SYNOPSIS
        Stops a server started by Start-TestApiServer (or Start-TestS3Server).
    #>
    [CmdletBinding()]
    param(
        [System.Diagnostics.Process] $Process
    )

    if ($Process -and -not $Process.HasExited) {
        $Process.Kill($true)
        $null = $Process.WaitForExit(10000)
    }
}

function Start-TestNodeServer {
    <#
    .SYNOPSIS
        Starts a Node test server (s3rver, Azurite, the Cloud Storage emulator) and waits until a line of its output
        matches ListenPattern. Returns Process and Match (the pattern's groups). Stops it and throws, naming it, when it
        exits first or does not listen within TimeoutSeconds.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [string[]] $Arguments,
        [Parameter(Mandatory)] [string] $ListenPattern,
        [Parameter(Mandatory)] [int] $TimeoutSeconds
    )

    $info = [System.Diagnostics.ProcessStartInfo]::new('node')
    foreach ($argument in $Arguments) {
        $info.ArgumentList.Add($argument)
    }
    $info.WorkingDirectory = $Directory
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($info)
    $null = $process.StandardError.ReadToEndAsync()
    $line = $process.StandardOutput.ReadLineAsync()
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
    $match = $null
    while (-not $match) {
        if (-not $line.Wait(200)) {
            if ([datetime]::UtcNow -gt $deadline -or $process.HasExited) {
                Stop-TestApiServer -Process $process
                throw "$Name did not start within $TimeoutSeconds seconds."
            }
            continue
        }
        if ($null -eq $line.Result) { throw "$Name exited before it listened." }
        if ($line.Result -match $ListenPattern) { $match = $Matches.Clone() }
        else { $line = $process.StandardOutput.ReadLineAsync() }
    }
    $null = $process.StandardOutput.ReadToEndAsync()
    [pscustomobject]@{ Process = $process; Match = $match }
}

function Start-TestS3Server {
    <#
    .SYNOPSIS
        Starts s3rver (tests/s3, installed by `npm ci` there) on 127.0.0.1 and a free port, data in a fresh temporary
        folder. Returns an object with Process, Endpoint (http://127.0.0.1:port) and Credential (S3RVER/S3RVER).
    #>
    [CmdletBinding()]
    param(
        [int] $TimeoutSeconds = 30
    )

    $directory = Join-Path -Path (Get-RestoreRepositoryRoot) -ChildPath 'tests/s3'
    if (-not (Test-Path -LiteralPath (Join-Path -Path $directory -ChildPath 'node_modules/s3rver'))) {
        throw "s3rver is not installed: run 'npm ci' in $directory (.ci/run does)."
    }
    $data = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('restore-pester-s3-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $data
    # s3rver's continuation tokens use DES, which OpenSSL 3 keeps in its legacy provider.
    $started = Start-TestNodeServer -Name 's3rver' -Directory $directory -TimeoutSeconds $TimeoutSeconds -ListenPattern 'listening on ([0-9.]+):(\d+)' `
        -Arguments '--openssl-legacy-provider', (Join-Path -Path $directory -ChildPath 's3rver.js'), '-d', $data, '-a', '127.0.0.1', '-p', '0', '--no-vhost-buckets'
    $process = $started.Process
    $endpoint = "http://$($started.Match[1]):$($started.Match[2])"
    $secret = ConvertTo-SecureString -String 'S3RVER' -AsPlainText -Force
    [pscustomobject]@{
        Process    = $process
        Endpoint   = $endpoint
        Credential = [pscredential]::new('S3RVER', $secret)
        Data       = $data
    }
}

function Copy-FolderToTestS3 {
    <#
    .SYNOPSIS
        Creates a bucket on the s3rver of Start-TestS3Server (if needed) and uploads every file of a folder under a
        prefix, so that s3://<bucket>/<prefix> holds what the folder holds. s3rver accepts anonymous writes.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Server,
        [Parameter(Mandatory)] [string] $Bucket,
        [string] $Prefix = '',
        [Parameter(Mandatory)] [string] $Path
    )

    $null = Invoke-WebRequest -Method Put -Uri "$($Server.Endpoint)/$Bucket" -SkipHttpErrorCheck
    $root = (Resolve-Path -LiteralPath $Path).Path
    foreach ($file in Get-ChildItem -LiteralPath $root -File -Recurse) {
        $relative = [System.IO.Path]::GetRelativePath($root, $file.FullName).Replace('\', '/')
        $key = if ($Prefix) { "$($Prefix.TrimEnd('/'))/$relative" } else { $relative }
        $null = Invoke-WebRequest -Method Put -Uri "$($Server.Endpoint)/$Bucket/$key" -InFile $file.FullName
    }
}

function Get-TestS3Key {
    <#
    .SYNOPSIS
        The keys stored under a prefix of a bucket on the s3rver of Start-TestS3Server (ListObjectsV2, anonymous).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] $Server,
        [Parameter(Mandatory)] [string] $Bucket,
        [string] $Prefix = ''
    )

    $answer = Invoke-RestMethod -Uri "$($Server.Endpoint)/$Bucket`?list-type=2&max-keys=1000&prefix=$([uri]::EscapeDataString($Prefix))"
    @($answer.ListBucketResult.Contents | Where-Object { $_ } | ForEach-Object { $_.Key }) | Sort-Object
}

function Get-TestKubectlPath {
    <#
    .SYNOPSIS
        kubectl on PATH, or $null: the cluster checks use it as an admin would, and are skipped (with the reason)
        where it is not installed.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $found = Get-Command -Name kubectl -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($found) { $found.Source } else { $null }
}

function Invoke-TestKubectl {
    <#
    .SYNOPSIS
        Runs kubectl against a kubeconfig (and context) and returns its standard output as one string; throws with
        kubectl's error text when it fails. -Json parses the output.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $KubeConfig,
        [string] $Context,
        [Parameter(Mandatory)] [string[]] $Arguments,
        [switch] $Json
    )

    $kubectl = Get-TestKubectlPath
    if (-not $kubectl) { throw 'kubectl is not on PATH.' }
    $all = @('--kubeconfig', $KubeConfig)
    if ($Context) { $all += @('--context', $Context) }
    $all += $Arguments
    if ($Json) { $all += @('-o', 'json') }
    $output = & $kubectl @all 2>&1
    $errors = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
    $text = (@($output | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] }) | ForEach-Object { "$_" }) -join "`n"
    if ($LASTEXITCODE -ne 0) {
        throw "kubectl $($Arguments -join ' ') failed with exit code ${LASTEXITCODE}: $(($errors | ForEach-Object { "$_" }) -join "`n")"
    }
    if ($Json) { $text | ConvertFrom-Json } else { $text }
}

function Resolve-TestParameterSet {
    <#
    .SYNOPSIS
        The parameter set PowerShell binds for a call with these named parameters: the sets that have every one of
        them, then those whose mandatory parameters are all given, then the default set among several.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $Command,
        [Parameter(Mandatory)] [string[]] $ParameterName
    )

    $sets = (Get-Command -Name $Command).ParameterSets
    $hasAll = @($sets | Where-Object {
            $names = @($_.Parameters | ForEach-Object { $_.Name; $_.Aliases })
            @($ParameterName | Where-Object { $_ -notin $names }).Count -eq 0
        })
    $complete = @($hasAll | Where-Object { @($_.Parameters | Where-Object { $_.IsMandatory -and $_.Name -notin $ParameterName }).Count -eq 0 })
    if ($complete.Count -gt 1) { $complete = @($complete | Where-Object IsDefault) }
    ($complete.Name | Sort-Object) -join ','
}

function Write-TestBackup {
    <#
    .SYNOPSIS
        Writes backup <Name> into a storage location as Velero lays it out: <Name>.tar.gz holding metadata/version and
        the given files (tar path -> text, in order), and velero-backup.json copied from 'sample' with its name set,
        then changed by -EditMetadata (given the JsonNode) when given.
    #>
    param(
        [Parameter(Mandatory)] [string] $StorageLocation,
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [System.Collections.IDictionary] $File,
        [scriptblock] $EditMetadata
    )

    $folder = Join-Path -Path $StorageLocation -ChildPath "backups/$Name"
    $null = New-Item -ItemType Directory -Path $folder -Force
    $stream = [System.IO.File]::Create((Join-Path -Path $folder -ChildPath "$Name.tar.gz"))
    try {
        $gzip = [System.IO.Compression.GZipStream]::new($stream, [System.IO.Compression.CompressionLevel]::Fastest)
        $tar = [System.Formats.Tar.TarWriter]::new($gzip, [System.Formats.Tar.TarEntryFormat]::Pax, $false)
        $entries = [ordered]@{ 'metadata/version' = "1.1.0`n" }
        foreach ($path in $File.Keys) { $entries[$path] = $File[$path] }
        foreach ($path in $entries.Keys) {
            $entry = [System.Formats.Tar.PaxTarEntry]::new([System.Formats.Tar.TarEntryType]::RegularFile, $path)
            $entry.DataStream = [System.IO.MemoryStream]::new([System.Text.Encoding]::UTF8.GetBytes($entries[$path]))
            $tar.WriteEntry($entry)
        }
        $tar.Dispose()
        $gzip.Dispose()
    }
    finally {
        $stream.Dispose()
    }

    $metadata = [System.Text.Json.Nodes.JsonNode]::Parse((Get-Content -LiteralPath (Join-Path -Path $StorageLocation -ChildPath 'backups/sample/velero-backup.json') -Raw))
    $metadata['metadata']['name'] = [System.Text.Json.Nodes.JsonValue]::Create($Name)
    if ($EditMetadata) { & $EditMetadata $metadata }
    Set-Content -LiteralPath (Join-Path -Path $folder -ChildPath 'velero-backup.json') -Value $metadata.ToJsonString() -Encoding utf8
}

function Set-TestBackupScope {
    <#
    .SYNOPSIS
        In a backup's metadata (a JsonNode): the one namespace it included and how many items it holds.
    #>
    param($Metadata, [string] $Namespace, [int] $Items)

    $Metadata['spec']['includedNamespaces'] = [System.Text.Json.Nodes.JsonArray]::new([System.Text.Json.Nodes.JsonValue]::Create($Namespace))
    $Metadata['status']['progress']['totalItems'] = [System.Text.Json.Nodes.JsonValue]::Create($Items)
    $Metadata['status']['progress']['itemsBackedUp'] = [System.Text.Json.Nodes.JsonValue]::Create($Items)
}

function New-ConfigMapBackup {
    <#
    .SYNOPSIS
        Writes backup <Name> into a storage location: <Count> ConfigMaps in namespace 'bulk', as Velero lays them
        out (metadata/version, resources/<resource>/namespaces/<ns>/<name>.json), metadata copied from 'sample'.
    #>
    param([string] $StorageLocation, [string] $Name, [int] $Count, [string] $Phase = 'Completed')

    $files = [ordered]@{ 'resources/namespaces/cluster/bulk.json' = '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bulk"}}' }
    for ($i = 0; $i -lt $Count; $i++) {
        $files['resources/configmaps/namespaces/bulk/cm-{0:d5}.json' -f $i] = '{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"cm-{0:d5}","namespace":"bulk"}},"data":{{"i":"{0}"}}}}' -f $i
    }
    Write-TestBackup -StorageLocation $StorageLocation -Name $Name -File $files -EditMetadata {
        param($metadata)
        Set-TestBackupScope -Metadata $metadata -Namespace bulk -Items ($Count + 1)
        $metadata['status']['phase'] = [System.Text.Json.Nodes.JsonValue]::Create($Phase)
    }
}

function Get-TestSampleItem {
    <#
    .SYNOPSIS
        The sample backup item by item ('resource/namespace/name', sorted); with -Outcome, what a restore does with each
        ('=Created', or '=Skipped' for the volume: it has no snapshot and reclaim policy Delete, so Velero leaves it to
        be provisioned again).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([switch] $Outcome)

    $items = @(
        'clusterroles.rbac.authorization.k8s.io//demo:web-reader'
        'configmaps/demo/web-config'
        'deployments.apps/demo/web'
        'namespaces//demo'
        'persistentvolumeclaims/demo/web-data'
        'persistentvolumes//pvc-3f1c2a9e-5b7d-4e8a-9c0f-1a2b3c4d5e6f'
        'secrets/demo/web-credentials'
        'serviceaccounts/demo/web'
        'services/demo/web'
    )
    if (-not $Outcome) { return $items }
    $items | ForEach-Object { if ($_ -like 'persistentvolumes/*') { "$_=Skipped" } else { "$_=Created" } }
}

function Format-TestItem {
    <#
    .SYNOPSIS
        'resource/namespace/name' of backup items and item outcomes, sorted and joined with ','; with -Action,
        '=<action>' appended to each (compare with (Get-TestSampleItem [-Outcome]) -join ',').
    #>
    param([Parameter(ValueFromPipeline)] $Item, [switch] $Action)
    begin { $lines = [System.Collections.Generic.List[string]]::new() }
    process {
        $resource = if ($Item.PSObject.Properties['GroupResource']) { $Item.GroupResource } else { $Item.Resource }
        $line = '{0}/{1}/{2}' -f $resource, $Item.Namespace, $Item.Name
        $lines.Add($(if ($Action) { "$line=$($Item.Action)" } else { $line }))
    }
    end { ($lines | Sort-Object) -join ',' }
}
