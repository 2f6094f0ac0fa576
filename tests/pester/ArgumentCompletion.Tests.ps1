#Requires -Version 7.0
# Tab completion through TabExpansion2, as PSReadLine asks for it: every parameter with a name completer on every
# cmdlet, from the location typed on the line (relative paths after Set-Location, S3 with -Endpoint and -Credential)
# or RESTORE_STORAGE_LOCATION, the word typed so far, quoting, and -Context from the -KubeConfig typed on the line.

BeforeDiscovery {
    # Which parameter lists what: restore names, backup names, schedule names, kube contexts.
    $storageCases = @(
        @{ Command = 'Get-Backup'; Parameter = 'Name'; Lists = 'backups' }
        @{ Command = 'Get-Backup'; Parameter = 'Schedule'; Lists = 'schedules' }
        @{ Command = 'Get-BackupItem'; Parameter = 'Backup'; Lists = 'backups' }
        @{ Command = 'Get-Restore'; Parameter = 'Name'; Lists = 'restores' }
        @{ Command = 'Get-Restore'; Parameter = 'Backup'; Lists = 'backups' }
        @{ Command = 'Get-Restore'; Parameter = 'Schedule'; Lists = 'schedules' }
        @{ Command = 'Get-RestoreItem'; Parameter = 'Name'; Lists = 'restores' }
        @{ Command = 'Get-RestoreLog'; Parameter = 'Name'; Lists = 'restores' }
        @{ Command = 'Remove-Restore'; Parameter = 'Name'; Lists = 'restores' }
        @{ Command = 'New-Restore'; Parameter = 'Backup'; Lists = 'backups' }
        @{ Command = 'New-Restore'; Parameter = 'Schedule'; Lists = 'schedules' }
        @{ Command = 'Get-RestorePlan'; Parameter = 'Backup'; Lists = 'backups' }
        @{ Command = 'Get-RestorePlan'; Parameter = 'Schedule'; Lists = 'schedules' }
    )
    $contextCases = @(
        @{ Command = 'New-Restore' }
        @{ Command = 'Get-RestorePlan' }
    )
}

Describe 'Argument completion' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop

        $work = Join-Path -Path $TestDrive -ChildPath 'work'
        $store = New-TestStorageLocation -Path (Join-Path -Path $work -ChildPath 'store')
        $null = Add-ScheduledCopyOfSample -StorageLocation $store -Schedule daily -Started ([datetime]::new(2025, 2, 1, 2, 0, 0, [System.DateTimeKind]::Utc))
        Set-TestRestoreRecord -StorageLocation $store -Name restore-one -Phase Completed -LastUpdate ([datetime]::UtcNow)
        Set-TestRestoreRecord -StorageLocation $store -Name restore-two -Phase Completed -LastUpdate ([datetime]::UtcNow)
        $expected = @{
            backups   = 'daily-20250201020000,sample'
            restores  = 'restore-one,restore-two'
            schedules = 'daily'
        }

        # Two kubeconfigs: the one typed on the line must win over $env:KUBECONFIG.
        $null = New-Item -ItemType Directory -Path (Join-Path -Path $work -ChildPath 'kube') -Force
        $kubeconfigText = @'
apiVersion: v1
kind: Config
current-context: alpha
clusters:
- name: c1
  cluster: {server: 'https://127.0.0.1:1'}
users:
- name: u1
  user: {token: abc}
contexts:
- name: alpha
  context: {cluster: c1, user: u1}
- name: beta prod
  context: {cluster: c1, user: u1}
'@
        Set-Content -LiteralPath (Join-Path -Path $work -ChildPath 'kube/two.yaml') -Value $kubeconfigText -Encoding utf8
        Set-Content -LiteralPath (Join-Path -Path $work -ChildPath 'kube/other.yaml') -Value ($kubeconfigText -replace 'alpha', 'elsewhere' -replace 'beta prod', 'elsewhere-too') -Encoding utf8

        function Get-Completion {
            param([Parameter(Mandatory)] [string] $Line)
            @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object CompletionText)
        }

        $savedLocation = $env:RESTORE_STORAGE_LOCATION
        $savedKubeConfig = $env:KUBECONFIG
        Remove-Item -Path Env:RESTORE_STORAGE_LOCATION -ErrorAction SilentlyContinue
        $env:KUBECONFIG = Join-Path -Path $work -ChildPath 'kube/other.yaml'
        Push-Location -LiteralPath $work
    }

    AfterAll {
        Pop-Location
        $env:RESTORE_STORAGE_LOCATION = $savedLocation
        $env:KUBECONFIG = $savedKubeConfig
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    It '<Command> -<Parameter> lists the <Lists> of a relative -StorageLocation' -ForEach $storageCases {
        $names = Get-Completion -Line "$Command -StorageLocation store -$Parameter "

        (@($names | Sort-Object) -join ',') | Should -Be $expected[$Lists]
    }

    It '<Command> -<Parameter> lists the <Lists> of RESTORE_STORAGE_LOCATION, relative too' -ForEach $storageCases {
        $env:RESTORE_STORAGE_LOCATION = 'store'
        try {
            $names = Get-Completion -Line "$Command -$Parameter "
        }
        finally {
            Remove-Item -Path Env:RESTORE_STORAGE_LOCATION
        }

        (@($names | Sort-Object) -join ',') | Should -Be $expected[$Lists]
    }

    It 'covers every parameter that has a name completer' -ForEach @{ Cases = $storageCases } {
        $completers = 'BackupNameCompleter', 'RestoreNameCompleter', 'ScheduleNameCompleter'
        $found = foreach ($command in Get-Command -Module Restore) {
            foreach ($parameter in $command.Parameters.Values) {
                $attribute = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] }
                if ($attribute -and $attribute.Type.Name -in $completers) { '{0} -{1}' -f $command.Name, $parameter.Name }
            }
        }

        (@($found | Sort-Object) -join ', ') | Should -Be (@($Cases | ForEach-Object { '{0} -{1}' -f $_.Command, $_.Parameter } | Sort-Object) -join ', ')
    }

    It 'follows Set-Location: the same relative path lists nothing from elsewhere' {
        Push-Location -LiteralPath $TestDrive
        try {
            $names = Get-Completion -Line 'Get-Restore -StorageLocation store -Name '
        }
        finally {
            Pop-Location
        }

        $names.Count | Should -Be 0
    }

    It 'completes from a folder given as ./path, a PSDrive path and in quotes' {
        $null = New-PSDrive -Name restoretest -PSProvider FileSystem -Root $work
        try {
            (Get-Completion -Line 'Get-RestoreLog -StorageLocation ./store -Name restore-o') | Should -Be 'restore-one'
            (Get-Completion -Line 'Get-RestoreLog -StorageLocation restoretest:/store -Name restore-o') | Should -Be 'restore-one'
            (Get-Completion -Line "Get-RestoreLog -StorageLocation 'store' -Name restore-o") | Should -Be 'restore-one'
        }
        finally {
            Remove-PSDrive -Name restoretest
        }
    }

    It 'honours the prefix and wildcards typed so far, case-insensitively' {
        (Get-Completion -Line 'Get-Restore -StorageLocation store -Name RESTORE-T') | Should -Be 'restore-two'
        (Get-Completion -Line 'Get-Restore -StorageLocation store -Name *-one') | Should -Be 'restore-one'
        (Get-Completion -Line 'Get-Backup -StorageLocation store -Name s') | Should -Be 'sample'
        @(Get-Completion -Line 'Get-Backup -StorageLocation store -Name zzz').Count | Should -Be 0
    }

    It 'keeps the quote the user opened' {
        (Get-Completion -Line "Get-Restore -StorageLocation store -Name 'restore-o") | Should -Be "'restore-one'"
        (Get-Completion -Line 'Get-Restore -StorageLocation store -Name "restore-o') | Should -Be '"restore-one"'
    }

    It 'gives nothing, and no error, for a location that does not exist or cannot be read' {
        $Error.Clear()

        @(Get-Completion -Line 'Get-Restore -StorageLocation nowhere -Name ').Count | Should -Be 0
        @(Get-Completion -Line 'Get-Restore -StorageLocation s3://bucket -Endpoint http://127.0.0.1:1 -Name ').Count | Should -Be 0
        @(Get-Completion -Line 'New-Restore -KubeConfig kube/missing.yaml -Context ').Count | Should -Be 0
        $Error.Count | Should -Be 0
    }

    It '<Command> -Context lists the contexts of the -KubeConfig typed on the line, relative, quoted when needed' -ForEach $contextCases {
        $names = Get-Completion -Line "$Command sample -KubeConfig kube/two.yaml -Context "

        ($names -join ',') | Should -Be "alpha,'beta prod'"
        (Get-Completion -Line "$Command sample -KubeConfig ./kube/two.yaml -Context b") | Should -Be "'beta prod'"
        (Get-Completion -Line "$Command sample -KubeConfig kube/two.yaml -Context `"b") | Should -Be '"beta prod"'
    }

    It '<Command> -Context reads $env:KUBECONFIG when no -KubeConfig is typed' -ForEach $contextCases {
        (Get-Completion -Line "$Command sample -Context " | Sort-Object) -join ',' | Should -Be 'elsewhere,elsewhere-too'
    }

    Context 'an S3 location' {
        BeforeAll {
            $s3 = Start-TestS3Server
            Copy-FolderToTestS3 -Server $s3 -Bucket velero -Prefix team -Path $store
            $endpoint = $s3.Endpoint
            $credential = $s3.Credential
        }

        AfterAll {
            Stop-TestApiServer -Process $s3.Process
            Remove-Item -LiteralPath $s3.Data -Recurse -Force -ErrorAction SilentlyContinue
        }

        It 'uses -Endpoint and -Credential from the line (variables included)' {
            $names = Get-Completion -Line 'Get-Restore -StorageLocation s3://velero/team -Endpoint $endpoint -Credential $credential -Name '
            (@($names | Sort-Object) -join ',') | Should -Be 'restore-one,restore-two'

            $backups = Get-Completion -Line "New-Restore -StorageLocation s3://velero/team -Endpoint $endpoint -Credential `$credential -Backup d"
            ($backups -join ',') | Should -Be 'daily-20250201020000'
        }
    }
}
