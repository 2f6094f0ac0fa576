# The Cloud Storage emulator for the gs:// tests (tests/gcs: firebase-tools' storage emulator, its GCS JSON API).
# Dot-sourced in BeforeAll; not a test file.

function Start-TestGcsServer {
    <#
    .SYNOPSIS
        Starts the Cloud Storage emulator (tests/gcs/gcs-emulator.js, installed by `npm ci` there) on 127.0.0.1 and a
        free port. Returns an object with Process and Endpoint (http://127.0.0.1:port, what -Endpoint takes).
    #>
    [CmdletBinding()]
    param(
        [int] $TimeoutSeconds = 60
    )

    $directory = Join-Path -Path (Get-RestoreRepositoryRoot) -ChildPath 'tests/gcs'
    if (-not (Test-Path -LiteralPath (Join-Path -Path $directory -ChildPath 'node_modules/firebase-tools/lib/emulator/storage'))) {
        throw "The GCS emulator is not installed: run 'npm ci' in $directory (.ci/run does)."
    }
    $started = Start-TestNodeServer -Name 'The GCS emulator' -Directory $directory -TimeoutSeconds $TimeoutSeconds -ListenPattern 'listening on ([0-9.]+):(\d+)' `
        -Arguments (Join-Path -Path $directory -ChildPath 'gcs-emulator.js'), '0'
    $process = $started.Process
    $endpoint = "http://$($started.Match[1]):$($started.Match[2])"
    [pscustomobject]@{
        Process  = $process
        Endpoint = $endpoint
    }
}

function Copy-FolderToTestGcs {
    <#
    .SYNOPSIS
        Uploads every file of a folder under a prefix of a bucket on the emulator (one media upload each), so that
        gs://<bucket>/<prefix> holds what the folder holds. The emulator creates the bucket on first use.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Server,
        [Parameter(Mandatory)] [string] $Bucket,
        [string] $Prefix = '',
        [Parameter(Mandatory)] [string] $Path
    )

    $root = (Resolve-Path -LiteralPath $Path).Path
    foreach ($file in Get-ChildItem -LiteralPath $root -File -Recurse) {
        $relative = [System.IO.Path]::GetRelativePath($root, $file.FullName).Replace('\', '/')
        $key = if ($Prefix) { "$($Prefix.TrimEnd('/'))/$relative" } else { $relative }
        $uri = "$($Server.Endpoint)/upload/storage/v1/b/$Bucket/o?uploadType=media&name=$([uri]::EscapeDataString($key))"
        $null = Invoke-RestMethod -Method Post -Uri $uri -InFile $file.FullName -ContentType 'application/octet-stream'
    }
}

function Get-TestGcsKey {
    <#
    .SYNOPSIS
        The object names under a prefix of a bucket on the emulator (objects.list of the JSON API), sorted.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] $Server,
        [Parameter(Mandatory)] [string] $Bucket,
        [string] $Prefix = ''
    )

    $answer = Invoke-RestMethod -Uri "$($Server.Endpoint)/storage/v1/b/$Bucket/o?maxResults=1000&prefix=$([uri]::EscapeDataString($Prefix))"
    @($answer.items | Where-Object { $_ } | ForEach-Object { $_.name }) | Sort-Object
}
