#Requires -Version 7.0
# Error ids that say what went wrong: a kubeconfig file that does not exist is not a missing context, and S3 without
# credentials is one clear message, not the SDK's list of every provider it tried.

Describe 'Error ids' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        $manifestPath = Get-RestoreManifestPath
        Import-Module -Name $manifestPath -Force -ErrorAction Stop
        $work = Join-Path -Path $TestDrive -ChildPath 'work'
        $store = New-TestStorageLocation -Path (Join-Path -Path $work -ChildPath 'store')
        $kubeconfig = Join-Path -Path $work -ChildPath 'kubeconfig.yaml'
        # One context, 'alpha' (a kubeconfig may be JSON).
        @{
            apiVersion        = 'v1'
            kind              = 'Config'
            'current-context' = 'alpha'
            clusters          = @(@{ name = 'c1'; cluster = @{ server = 'https://127.0.0.1:1' } })
            users             = @(@{ name = 'u1'; user = @{ token = 'abc' } })
            contexts          = @(@{ name = 'alpha'; context = @{ cluster = 'c1'; user = 'u1' } })
        } | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $kubeconfig -Encoding utf8
        Push-Location -LiteralPath $work
    }

    AfterAll {
        Pop-Location
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    Context 'a kubeconfig file that does not exist' {
        It '<Command> stops with <Id>, ObjectNotFound, the full path as target' -ForEach @(
            @{ Command = 'New-Restore'; Id = 'NewRestoreKubeConfigNotFound' }
            @{ Command = 'Get-RestorePlan'; Id = 'GetRestorePlanKubeConfigNotFound' }
        ) {
            $thrown = Get-ThrownError { & $Command sample -StorageLocation store -KubeConfig ./missing.yaml -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike "$Id,*"
            $thrown.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $thrown.TargetObject | Should -Be (Join-Path -Path $work -ChildPath 'missing.yaml')
            $thrown.Exception.Message | Should -Match 'does not exist'
            @(Get-ChildItem -LiteralPath (Join-Path -Path $store -ChildPath 'restores') -ErrorAction SilentlyContinue).Count | Should -Be 0
        }

        It 'a context the kubeconfig lacks is still <Id>, naming the context' -ForEach @(
            @{ Command = 'New-Restore'; Id = 'NewRestoreContextNotFound' }
            @{ Command = 'Get-RestorePlan'; Id = 'GetRestorePlanContextNotFound' }
        ) {
            $thrown = Get-ThrownError { & $Command sample -StorageLocation store -KubeConfig ./kubeconfig.yaml -Context nowhere -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike "$Id,*"
            $thrown.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $thrown.TargetObject | Should -Be 'nowhere'
        }
    }

    Context 'an S3 location without credentials' {
        BeforeAll {
            $s3 = Start-TestS3Server
            Copy-FolderToTestS3 -Server $s3 -Bucket velero -Path $store
            # A child session with no AWS variables, no profile files and no instance metadata, so the default
            # credential chain has nothing to find (and this session's AWS settings stay as they are).
            $emptyHome = Join-Path -Path $TestDrive -ChildPath 'empty-home'
            $null = New-Item -ItemType Directory -Path $emptyHome -Force
            $emptyFile = Join-Path -Path $emptyHome -ChildPath 'empty'
            Set-Content -LiteralPath $emptyFile -Value '' -Encoding utf8
            $probe = Join-Path -Path $TestDrive -ChildPath 'no-credentials.ps1'
            Set-Content -LiteralPath $probe -Encoding utf8 -Value @'
param($Manifest, $Endpoint)
Import-Module -Name $Manifest -ErrorAction Stop
$results = foreach ($command in 'Get-Backup', 'Get-Restore') {
    try { & $command -StorageLocation s3://velero -Endpoint $Endpoint -ErrorAction Stop; $null }
    catch { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Target = "$($_.TargetObject)"; Message = $_.Exception.Message } }
}
$results | ConvertTo-Json -Compress
'@
            $info = [System.Diagnostics.ProcessStartInfo]::new((Get-TestPwshPath))
            foreach ($argument in '-NoProfile', '-NonInteractive', '-File', $probe, $manifestPath, $s3.Endpoint) { $info.ArgumentList.Add($argument) }
            foreach ($name in @($info.Environment.Keys | Where-Object { $_ -like 'AWS_*' })) { $null = $info.Environment.Remove($name) }
            $info.Environment['HOME'] = $emptyHome
            $info.Environment['USERPROFILE'] = $emptyHome
            $info.Environment['AWS_EC2_METADATA_DISABLED'] = 'true'
            $info.Environment['AWS_SHARED_CREDENTIALS_FILE'] = $emptyFile
            $info.Environment['AWS_CONFIG_FILE'] = $emptyFile
            $info.UseShellExecute = $false
            $info.RedirectStandardOutput = $true
            $info.RedirectStandardError = $true
            $child = [System.Diagnostics.Process]::Start($info)
            $output = $child.StandardOutput.ReadToEnd()
            $errors = $child.StandardError.ReadToEnd()
            $child.WaitForExit()
            $answers = @($output | ConvertFrom-Json)
        }

        AfterAll {
            Stop-TestApiServer -Process $s3.Process
            Remove-Item -LiteralPath $s3.Data -Recurse -Force -ErrorAction SilentlyContinue
        }

        It 'stops <_> with StorageCredentialsUnavailable (AuthenticationError) and the location as target' -ForEach @('Get-Backup', 'Get-Restore') {
            $answer = $answers | Where-Object Id -Like "$($_ -replace '-')StorageCredentialsUnavailable,*"

            $answer | Should -Not -BeNullOrEmpty -Because "the child session said: $output $errors"
            $answer.Category | Should -Be 'AuthenticationError'
            $answer.Target | Should -Be 's3://velero'
        }

        It 'says in one message what was tried and how to fix it' {
            $message = $answers[0].Message

            $message | Should -Not -Match 'Exception \d+ of \d+'
            foreach ($advice in '-Credential', '-ProfileName', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'default AWS credential chain') {
                $message | Should -BeLike "*$advice*"
            }
            ($message -split "`n").Count | Should -Be 1
        }
    }
}
