# Azurite (tests/azurite) for the Azure Blob Storage tests: start it, make SAS tokens from its development key, upload a
# folder and list blobs with plain REST calls. Dot-sourced in BeforeAll; not a test file.

# Azurite's development account and its published key (from Azurite's README; not a secret).
$script:AzuriteAccount = 'devstoreaccount1'
$script:AzuriteKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

function Start-TestAzurite {
    <#
    .SYNOPSIS
        Starts Azurite's blob service (tests/azurite, installed by `npm ci` there) on 127.0.0.1 and a free port, data in a
        fresh temporary folder. Returns Process, Port, ServiceUrl (http://127.0.0.1:port/devstoreaccount1), Account,
        Credential (account name and development key) and Data.
    #>
    [CmdletBinding()]
    param(
        # Node loads Azurite's many modules first: on a busy two-core machine that takes a while.
        [int] $TimeoutSeconds = 180
    )

    $directory = Join-Path -Path (Get-RestoreRepositoryRoot) -ChildPath 'tests/azurite'
    $script = Join-Path -Path $directory -ChildPath 'node_modules/azurite/dist/src/blob/main.js'
    if (-not (Test-Path -LiteralPath $script)) {
        throw "Azurite is not installed: run 'npm ci' in $directory (.ci/run does)."
    }
    $data = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('restore-pester-azurite-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $data
    $started = Start-TestNodeServer -Name 'Azurite' -Directory $directory -TimeoutSeconds $TimeoutSeconds -ListenPattern 'listens on https?://[0-9.]+:(\d+)' `
        -Arguments $script, '--blobHost', '127.0.0.1', '--blobPort', '0', '--location', $data, '--skipApiVersionCheck', '--disableProductStyleUrl'
    $process = $started.Process
    $port = [int] $started.Match[1]
    [pscustomobject]@{
        Process    = $process
        Port       = $port
        ServiceUrl = "http://127.0.0.1:$port/$script:AzuriteAccount"
        Account    = $script:AzuriteAccount
        Credential = [pscredential]::new($script:AzuriteAccount, (ConvertTo-SecureString -String $script:AzuriteKey -AsPlainText -Force))
        Data       = $data
    }
}

function New-TestAzuriteSas {
    <#
    .SYNOPSIS
        An account SAS for Azurite's development account, signed with its key (service version 2019-02-02 string to sign):
        blob service, service/container/object resource types, the given permissions, valid for two hours.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [string] $Permissions = 'rwdlac',
        [string] $Key = $script:AzuriteKey
    )

    $expiry = [datetime]::UtcNow.AddHours(2).ToString('yyyy-MM-ddTHH:mm:ssZ')
    $version = '2019-02-02'
    $toSign = "$script:AzuriteAccount`n$Permissions`nb`nsco`n`n$expiry`n`nhttps,http`n$version`n"
    $hmac = [System.Security.Cryptography.HMACSHA256]::new([Convert]::FromBase64String($Key))
    try { $signature = [Convert]::ToBase64String($hmac.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($toSign))) }
    finally { $hmac.Dispose() }
    "sv=$version&ss=b&srt=sco&sp=$Permissions&se=$([uri]::EscapeDataString($expiry))&spr=https,http&sig=$([uri]::EscapeDataString($signature))"
}

function Copy-FolderToTestAzurite {
    <#
    .SYNOPSIS
        Creates a container in Azurite (if needed) and uploads every file of a folder under a prefix, so that
        <ServiceUrl>/<container>/<prefix> holds what the folder holds.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Server,
        [Parameter(Mandatory)] [string] $Container,
        [string] $Prefix = '',
        [Parameter(Mandatory)] [string] $Path
    )

    $sas = New-TestAzuriteSas
    $null = Invoke-WebRequest -Method Put -Uri "$($Server.ServiceUrl)/$Container`?restype=container&$sas" -SkipHttpErrorCheck
    $root = (Resolve-Path -LiteralPath $Path).Path
    foreach ($file in Get-ChildItem -LiteralPath $root -File -Recurse) {
        $relative = [System.IO.Path]::GetRelativePath($root, $file.FullName).Replace('\', '/')
        $key = if ($Prefix) { "$($Prefix.TrimEnd('/'))/$relative" } else { $relative }
        $null = Invoke-WebRequest -Method Put -Uri "$($Server.ServiceUrl)/$Container/$key`?$sas" -InFile $file.FullName -Headers @{ 'x-ms-blob-type' = 'BlockBlob' }
    }
}

function Get-TestAzuriteBlob {
    <#
    .SYNOPSIS
        The blob names under a prefix of a container in Azurite (List Blobs, with a SAS).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] $Server,
        [Parameter(Mandatory)] [string] $Container,
        [string] $Prefix = ''
    )

    $sas = New-TestAzuriteSas
    $answer = Invoke-WebRequest -Uri "$($Server.ServiceUrl)/$Container`?restype=container&comp=list&maxresults=5000&prefix=$([uri]::EscapeDataString($Prefix))&$sas"
    # The body starts with a byte order mark, which [xml] does not take.
    $xml = [xml] ([System.Text.Encoding]::UTF8.GetString($answer.RawContentStream.ToArray()).TrimStart([char] 0xFEFF))
    @($xml.EnumerationResults.Blobs.Blob | Where-Object { $_ } | ForEach-Object { $_.Name }) | Sort-Object
}
