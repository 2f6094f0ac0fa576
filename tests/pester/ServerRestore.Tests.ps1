#Requires -Version 7.0
# New-Restore -Server and the lifecycle of restores the Velero server runs, end to end through the cmdlets, against
# test API servers running the Velero stand-in (tests/Restore.TestApiServer, --velero-standin): Velero's real CRDs, its
# restore controller's validation, phases, progress and files. A stand-in, not a live Velero (README, "Testing").

BeforeDiscovery {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
    $script:noKubectl = -not (Get-TestKubectlPath)
    if ($noKubectl) {
        # CI has kubectl; there a missing one is a failure, not a skip.
        if ($env:CI -eq 'true') { throw 'kubectl is not on PATH: the New-Restore -Server tests need it (CI=true).' }
        Write-Warning 'New-Restore -Server tests skipped: kubectl is not on PATH (they give the clusters their Velero objects with it).'
    }

    # Ctrl+C is pressed in a terminal: util-linux's 'script' gives the child pwsh one. Windows has no way for a test to
    # press Ctrl+C in another process's console and macOS's 'script' takes other arguments, so the case runs on Linux;
    # there (CI) a missing 'script' fails.
    $script:noTerminal = -not $IsLinux -or -not (Get-Command -Name script -CommandType Application -ErrorAction SilentlyContinue)
    if ($noTerminal -and $IsLinux -and $env:CI -eq 'true') { throw "'script' (util-linux) is not on PATH: the Ctrl+C test needs it (CI=true)." }
}

Describe 'New-Restore -Server' -Skip:$noKubectl {
    # Skipped only where kubectl is missing: the tests give the clusters their Velero objects with kubectl, as an admin would.
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop

        # Velero's buckets as folders: <root>/<bucket>/<prefix> (a mounted copy of the bucket), as the stand-in reads them.
        $buckets = Join-Path -Path $TestDrive -ChildPath 'buckets'
        $store = New-TestStorageLocation -Path (Join-Path -Path $buckets -ChildPath 'velero-backups/east')
        $westStore = New-TestStorageLocation -Path (Join-Path -Path $buckets -ChildPath 'velero-backups/west')
        $westBackup = Add-ScheduledCopyOfSample -StorageLocation $westStore -Schedule nightly -Started ([datetime]'2026-01-02T03:04:05Z')
        $unsynced = Add-ScheduledCopyOfSample -StorageLocation $store -Schedule weekly -Started ([datetime]'2026-01-01T00:00:00Z')
        $otherStore = New-TestStorageLocation -Path (Join-Path -Path $buckets -ChildPath 'elsewhere/x')

        $servers = @{}
        $configs = @()
        foreach ($cluster in 'east', 'west', 'bare') {
            $config = Join-Path -Path $TestDrive -ChildPath "$cluster.kubeconfig"
            $arguments = @('--cluster-name', $cluster)
            if ($cluster -ne 'bare') { $arguments += @('--velero-standin', '--velero-folder-root', $buckets, '--velero-item-delay-ms', '10') }
            $servers[$cluster] = Start-TestApiServer -KubeConfig $config -ExtraArguments $arguments
            $configs += $config
        }
        $kubeConfig = $configs -join [System.IO.Path]::PathSeparator

        function Invoke-Cluster([string] $Cluster, [string[]] $Arguments, [switch] $Json) {
            Invoke-TestKubectl -KubeConfig (Join-Path -Path $TestDrive -ChildPath "$Cluster.kubeconfig") -Arguments $Arguments -Json:$Json
        }

        function Set-ClusterObject([string] $Cluster, [hashtable] $Object) {
            $file = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString('N') + '.json')
            $Object | ConvertTo-Json -Depth 20 | Set-Content -LiteralPath $file
            $null = Invoke-Cluster $Cluster @('apply', '-f', $file)
        }

        function Add-Location([string] $Cluster, [string] $Name, [string] $Bucket, [string] $Prefix, [hashtable] $Config = @{}) {
            Set-ClusterObject $Cluster @{
                apiVersion = 'velero.io/v1'; kind = 'BackupStorageLocation'
                metadata = @{ name = $Name; namespace = 'velero' }
                spec = @{ provider = 'aws'; objectStorage = @{ bucket = $Bucket; prefix = $Prefix }; config = $Config }
            }
        }

        # What Velero's backup sync does: a Backup object made from the stored velero-backup.json.
        function Sync-Backup([string] $Cluster, [string] $Location, [string] $Backup, [string] $Bsl = 'default') {
            $stored = Get-Content -LiteralPath (Join-Path -Path $Location -ChildPath "backups/$Backup/velero-backup.json") -Raw | ConvertFrom-Json -AsHashtable
            $stored.metadata = @{ name = $Backup; namespace = 'velero'; labels = $stored.metadata.labels ?? @{} }
            $stored.spec.storageLocation = $Bsl
            Set-ClusterObject $Cluster $stored
        }

        function Wait-Until([scriptblock] $Condition, [int] $Seconds = 20) {
            $deadline = [datetime]::UtcNow.AddSeconds($Seconds)
            while (-not (& $Condition)) {
                if ([datetime]::UtcNow -gt $deadline) { throw "Timed out waiting for: $Condition" }
                Start-Sleep -Milliseconds 100
            }
        }

        function Get-ClusterRestore([string] $Cluster, [string] $Name) {
            $all = Invoke-Cluster $Cluster @('get', 'restores.velero.io', '-n', 'velero') -Json
            @($all.items | Where-Object { $_.metadata.name -eq $Name })
        }

        Add-Location east default velero-backups east
        Add-Location west default velero-backups west
        Sync-Backup east $store sample
        Sync-Backup west $westStore $westBackup
        Wait-Until { (Invoke-Cluster east @('get', 'bsl', 'default', '-n', 'velero') -Json).status.phase -eq 'Available' }
        Wait-Until { (Invoke-Cluster west @('get', 'bsl', 'default', '-n', 'velero') -Json).status.phase -eq 'Available' }
        $common = @{ KubeConfig = $kubeConfig; WarningAction = 'SilentlyContinue' }
    }

    AfterAll {
        foreach ($server in $servers.Values) { Stop-TestApiServer -Process $server }
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    Context 'a folder location' {
        BeforeAll {
            $restore = New-Restore sample -Server -Name from-folder -Context east-token -StorageLocation $store @common -ErrorAction Stop
        }

        It 'creates a velero.io/v1 Restore and returns it Completed, as run on the server' {
            $restore.Phase | Should -Be 'Completed'
            $restore.RanOn | Should -Be 'Server'
            $restore.Cluster | Should -Be 'east-token'
            $restore.Targets[0].ItemsRestored | Should -Be 9
            $restore.Targets[0].TotalItems | Should -Be 9
            $object = Get-ClusterRestore east from-folder
            $object.spec.backupName | Should -Be 'sample'
            $object.metadata.annotations.'restore.powershell/ran-on' | Should -Be 'Server'
            $object.metadata.finalizers | Should -Contain 'restores.velero.io/external-resources-finalizer'
        }

        It 'shows where it ran in the table view' {
            ($restore | Format-Table | Out-String -Width 160) | Should -Match 'east-token \(on Velero server\)'
            ($restore | Format-List | Out-String) | Should -Match 'RanOn\s+: Server'
        }

        It 'reads the log and the items Velero wrote into the storage location' {
            $log = @(Get-RestoreLog from-folder -StorageLocation $store)
            $log.Message | Should -Contain 'restore completed'
            @(Get-RestoreItem from-folder -StorageLocation $store).Count | Should -Be 9
        }

        It 'lists it from the storage location and, with -Context, from the cluster' {
            (Get-Restore from-folder -StorageLocation $store).RanOn | Should -Be 'Server'
            $live = Get-Restore from-folder -Context east-token -KubeConfig $kubeConfig
            $live.Phase | Should -Be 'Completed'
            $live.Context | Should -Be @('east-token')
            $live.Backup | Should -Be 'sample'
        }
    }

    Context 'an s3:// location' {
        BeforeAll {
            $s3 = Start-TestS3Server
            Copy-FolderToTestS3 -Server $s3 -Bucket velero-s3 -Prefix east -Path $store
            Add-Location east on-s3 velero-s3 east @{ s3Url = $s3.Endpoint; region = 'us-east-1'; s3ForcePathStyle = 'true' }
            $null = Invoke-Cluster east @('patch', 'backup', 'sample', '-n', 'velero', '--type', 'merge', '-p', '{"spec":{"storageLocation":"on-s3"}}')
            Wait-Until { (Invoke-Cluster east @('get', 'bsl', 'on-s3', '-n', 'velero') -Json).status.phase -eq 'Available' }
            $location = @{ StorageLocation = 's3://velero-s3/east'; Endpoint = $s3.Endpoint; Region = 'us-east-1'; Credential = $s3.Credential }
        }

        AfterAll {
            $null = Invoke-Cluster east @('patch', 'backup', 'sample', '-n', 'velero', '--type', 'merge', '-p', '{"spec":{"storageLocation":"default"}}')
            Stop-TestApiServer -Process $s3.Process
        }

        It 'restores through the server and reads Velero''s files from the bucket' {
            $restore = New-Restore sample -Server -Name from-s3 -Context east-token @location @common -ErrorAction Stop

            $restore.Phase | Should -Be 'Completed'
            Get-TestS3Key -Server $s3 -Bucket velero-s3 -Prefix 'east/restores/from-s3/' | Should -Contain 'east/restores/from-s3/restore-from-s3-results.gz'
            (@(Get-RestoreLog from-s3 @location).Message) | Should -Contain 'restore completed'
        }

        It 'refuses a location whose bucket and prefix are not the backup''s' {
            $thrown = Get-ThrownError { New-Restore sample -Server -Name wrong-s3 -Context east-token -StorageLocation 's3://velero-s3/west' -Endpoint $s3.Endpoint -Credential $s3.Credential @common -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestoreStorageLocationMismatch*'
            "$thrown" | Should -Match "bucket 'velero-s3', prefix 'east'"
        }
    }

    Context 'a fleet of two servers' {
        It 'creates one Restore per cluster, a backup per context, and follows them together' {
            $restore = New-Restore -Server -Name fleet -Context east-token, west-token -Backup @{ 'east-token' = 'sample'; 'west-token' = $westBackup } @common -ErrorAction Stop

            $restore.Phase | Should -Be 'Completed'
            @($restore.Targets.Name) | Should -Be @('east-token', 'west-token')
            @($restore.Targets.Phase) | Should -Be @('Completed', 'Completed')
            (Get-ClusterRestore west fleet).spec.backupName | Should -Be $westBackup
            (Get-ClusterRestore east fleet).spec.backupName | Should -Be 'sample'
            (Get-Restore fleet -Context east-token, west-token -KubeConfig $kubeConfig).Cluster | Should -Be 'east-token, west-token'
        }

        It 'reports each cluster''s outcome: Completed in one, Failed in the other (its backup has no tarball)' {
            $broken = Add-ScheduledCopyOfSample -StorageLocation $westStore -Schedule broken -Started ([datetime]'2026-01-04T00:00:00Z')
            Remove-Item -LiteralPath (Join-Path $westStore "backups/$broken/$broken.tar.gz")
            Sync-Backup west $westStore $broken

            $restore = New-Restore -Server -Name fleet-mixed -Context east-token, west-token -Backup @{ 'east-token' = 'sample'; 'west-token' = $broken } @common -ErrorVariable failures -ErrorAction SilentlyContinue

            $restore.Phase | Should -Be 'PartiallyFailed'
            @($restore.Targets.Phase) | Should -Be @('Completed', 'Failed')
            $restore.Targets[1].FailureReason | Should -Match 'error downloading backup'
            @($failures.FullyQualifiedErrorId) | Should -Contain 'NewRestoreTargetFailed,Restore.PowerShell.Cmdlets.NewRestoreCommand'
            @($failures.FullyQualifiedErrorId) | Should -Contain 'NewRestorePartiallyFailed,Restore.PowerShell.Cmdlets.NewRestoreCommand'
        }

        It 'ends PartiallyFailed when Velero reports an item error, and Get-RestoreItem shows that item' {
            $restore = New-Restore sample -Server -Name partial -Context east-token -Label @{ 'velero-standin.test/outcome' = 'PartiallyFailed' } @common -ErrorVariable failures -ErrorAction SilentlyContinue

            $restore.Phase | Should -Be 'PartiallyFailed'
            $restore.Errors | Should -Be 1
            @($failures.FullyQualifiedErrorId) | Should -Contain 'NewRestorePartiallyFailed,Restore.PowerShell.Cmdlets.NewRestoreCommand'
            @(Get-RestoreItem partial -StorageLocation $store -Action Failed).Count | Should -Be 1
        }

        It 'starts nowhere when one cluster fails its checks' {
            $thrown = Get-ThrownError { New-Restore sample -Server -Name half -Context east-token, west-token @common -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestoreBackupNotSynced*'
            Get-ClusterRestore east half | Should -BeNullOrEmpty
        }
    }

    Context 'what Velero needs, checked before anything is created' {
        It 'says so when the cluster has no Velero' {
            $thrown = Get-ThrownError { New-Restore sample -Server -Context bare-token @common -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestoreVeleroNotInstalled*'
            "$thrown" | Should -Match 'Velero is not installed'
        }

        It 'says so when the backup is not synced to that Velero' {
            $thrown = Get-ThrownError { New-Restore $unsynced -Server -Name not-synced -Context east-token -StorageLocation $store @common -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestoreBackupNotSynced*'
            "$thrown" | Should -Match "does not know backup '$unsynced'"
            Get-ClusterRestore east not-synced | Should -BeNullOrEmpty
        }

        It 'says so when -StorageLocation is not the backup''s location' {
            $thrown = Get-ThrownError { New-Restore sample -Server -Name mismatch -Context east-token -StorageLocation $otherStore @common -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestoreStorageLocationMismatch*'
            Get-ClusterRestore east mismatch | Should -BeNullOrEmpty
        }

        It 'says so when the backup''s location is Unavailable' {
            $null = Invoke-Cluster west @('annotate', 'bsl', 'default', '-n', 'velero', 'velero-standin.test/phase=Unavailable')
            try {
                Wait-Until { (Invoke-Cluster west @('get', 'bsl', 'default', '-n', 'velero') -Json).status.phase -eq 'Unavailable' }
                $thrown = Get-ThrownError { New-Restore $westBackup -Server -Name unavailable -Context west-token @common -ErrorAction Stop }

                $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestoreStorageLocationUnavailable*'
            }
            finally {
                $null = Invoke-Cluster west @('annotate', 'bsl', 'default', '-n', 'velero', 'velero-standin.test/phase-')
                Wait-Until { (Invoke-Cluster west @('get', 'bsl', 'default', '-n', 'velero') -Json).status.phase -eq 'Available' }
            }
        }

        It 'refuses the parameters only the client implements, naming them' {
            $thrown = Get-ThrownError { New-Restore sample -Server -Name client-only -Context east-token -Object 'configmaps/demo/*' -Parallel 4 -ToDirectory (Join-Path $TestDrive 'never') @common -ErrorAction Stop }

            $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestoreClientOnlyParameter*'
            "$thrown" | Should -Match '-Object, -ToDirectory, -Parallel'
            Get-ClusterRestore east client-only | Should -BeNullOrEmpty
        }

        It 'refuses -NoWait without -Server, and a per-context -Backup for a client restore' {
            (Get-ThrownError { New-Restore sample -NoWait -ToDirectory (Join-Path $TestDrive 'never') -StorageLocation $store -ErrorAction Stop }).FullyQualifiedErrorId | Should -BeLike 'NewRestoreInvalidArgument*'
            (Get-ThrownError { New-Restore -Backup @{ a = 'sample' } -ToDirectory (Join-Path $TestDrive 'never') -StorageLocation $store -ErrorAction Stop }).FullyQualifiedErrorId | Should -BeLike 'NewRestoreInvalidArgument*'
        }

        It 'creates nothing with -WhatIf' {
            New-Restore sample -Server -Name what-if -Context east-token @common -WhatIf

            Get-ClusterRestore east what-if | Should -BeNullOrEmpty
        }
    }

    Context 'Velero''s own validation' {
        It 'ends FailedValidation with Velero''s message when the schedule has no completed backup' {
            $partial = Add-ScheduledCopyOfSample -StorageLocation $store -Schedule hourly -Started ([datetime]'2026-01-03T00:00:00Z') -Phase PartiallyFailed
            Sync-Backup east $store $partial

            $restore = New-Restore -Schedule hourly -Server -Name no-completed -Context east-token @common -ErrorVariable failures -ErrorAction SilentlyContinue

            $restore.Phase | Should -Be 'FailedValidation'
            $restore.ValidationErrors | Should -Contain 'No completed backups found for schedule'
            @($failures.FullyQualifiedErrorId) | Should -Contain 'NewRestoreFailedValidation,Restore.PowerShell.Cmdlets.NewRestoreCommand'
        }

        It 'shows a Restore made with kubectl that Velero refused, with its messages' {
            Set-ClusterObject east @{ apiVersion = 'velero.io/v1'; kind = 'Restore'; metadata = @{ name = 'by-kubectl'; namespace = 'velero' }; spec = @{ backupName = 'sample'; includedNamespaces = @('demo'); excludedNamespaces = @('demo') } }
            Wait-Until { (Get-ClusterRestore east by-kubectl).status.phase -eq 'FailedValidation' }

            $restore = Get-Restore by-kubectl -Context east-token -KubeConfig $kubeConfig

            $restore.Phase | Should -Be 'FailedValidation'
            $restore.ValidationErrors | Should -Be @('Invalid included/excluded namespace lists: excludes list cannot contain an item in the includes list: demo')
        }
    }

    Context 'following' {
        It 'returns at once with -NoWait; Get-Restore -Context shows the live phase; Get-RestoreLog and Get-RestoreItem say the server has not written its files yet' {
            $restore = New-Restore sample -Server -Name no-wait -Context east-token -Label @{ 'velero-standin.test/item-delay-ms' = '400' } -NoWait @common -ErrorAction Stop

            $restore.Phase | Should -BeIn @('New', 'InProgress')
            $restore.IsRunning | Should -BeTrue
            Wait-Until { (Get-Restore no-wait -Context east-token -KubeConfig $kubeConfig).ItemsRestored -gt 0 }
            $live = Get-Restore no-wait -Context east-token -KubeConfig $kubeConfig
            $live.Status | Should -Be 'InProgress'
            $live.TotalItems | Should -Be 9
            $thrown = Get-ThrownError { Get-RestoreLog no-wait -StorageLocation $store -ErrorAction Stop }
            "$thrown" | Should -Match 'Velero server.*has not written'
            $thrownItems = Get-ThrownError { Get-RestoreItem no-wait -StorageLocation $store -ErrorAction Stop }
            "$thrownItems" | Should -Match 'Velero server.*has not written'
            Wait-Until { (Get-Restore no-wait -Context east-token -KubeConfig $kubeConfig).Phase -eq 'Completed' }
        }

        It 'writes progress and phase changes (-Verbose) while it waits' {
            $verbose = New-Restore sample -Server -Name verbose -Context east-token -Label @{ 'velero-standin.test/item-delay-ms' = '200' } -Verbose @common -ErrorAction Stop 4>&1

            @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n" | Should -Match 'New -> InProgress'
        }

        It 'stops waiting at -Timeout and says the server keeps running' {
            $restore = New-Restore sample -Server -Name timed -Context east-token -Label @{ 'velero-standin.test/item-delay-ms' = '300' } -Timeout 1s @common -ErrorVariable failures -ErrorAction SilentlyContinue

            $restore.Phase | Should -BeIn @('New', 'InProgress')
            $failures[-1].FullyQualifiedErrorId | Should -Be 'NewRestoreTimedOut,Restore.PowerShell.Cmdlets.NewRestoreCommand'
            "$($failures[-1])" | Should -Match 'keeps running'
            Wait-Until { (Get-Restore timed -Context east-token -KubeConfig $kubeConfig).Phase -eq 'Completed' }
        }

        It 'stops waiting on Ctrl+C, says the server keeps running, and the server finishes the restore' -Skip:$noTerminal {
            # Skipped off Linux, or without util-linux's 'script' outside CI (see BeforeDiscovery).
            $child = Join-Path -Path $TestDrive -ChildPath 'ctrl-c.ps1'
            @(
                "Import-Module -Name '$(Get-RestoreManifestPath)' -ErrorAction Stop"
                "New-Restore sample -Server -Name ctrl-c -Context east-token -KubeConfig '$kubeConfig' -Label @{ 'velero-standin.test/item-delay-ms' = '1500' }"
                "'child went on after New-Restore'"
            ) | Set-Content -LiteralPath $child
            $start = [System.Diagnostics.ProcessStartInfo]::new('script')
            foreach ($argument in '-qfec', "'$(Get-TestPwshPath)' -NoProfile -NonInteractive -File '$child'", '/dev/null') { $start.ArgumentList.Add($argument) }
            $start.RedirectStandardInput = $true
            $start.RedirectStandardOutput = $true
            $start.UseShellExecute = $false
            $process = [System.Diagnostics.Process]::Start($start)

            # Plays the terminal: keeps what the child writes and answers its cursor-position queries (ESC[6n, sent
            # while it draws the progress bar) as a real terminal does; unanswered, each query stalls the child.
            $terminal = @{ Text = [System.Text.StringBuilder]::new(); Answered = 0; Read = $null; Buffer = [char[]]::new(4096) }
            $pump = {
                param([int] $Milliseconds)
                $until = [datetime]::UtcNow.AddMilliseconds($Milliseconds)
                do {
                    $terminal.Read ??= $process.StandardOutput.ReadAsync($terminal.Buffer, 0, $terminal.Buffer.Length)
                    if (-not $terminal.Read.Wait(50)) { continue }
                    $count = $terminal.Read.Result
                    $terminal.Read = $null
                    if ($count -eq 0) { return }
                    $null = $terminal.Text.Append($terminal.Buffer, 0, $count)
                    $queries = ([regex]::Matches($terminal.Text.ToString(), '\e\[6n')).Count
                    for (; $terminal.Answered -lt $queries; $terminal.Answered++) { $process.StandardInput.Write("$([char]27)[1;1R") }
                    $process.StandardInput.Flush()
                } while ([datetime]::UtcNow -lt $until)
            }
            try {
                $deadline = [datetime]::UtcNow.AddSeconds(60)
                while (-not ((Get-Restore ctrl-c -Context east-token -KubeConfig $kubeConfig -ErrorAction SilentlyContinue).ItemsRestored -gt 0)) {
                    if ([datetime]::UtcNow -gt $deadline) { throw "restore 'ctrl-c' did not start on the stand-in: $($terminal.Text)" }
                    & $pump 200
                }

                # The terminal turns this byte into SIGINT for the child, as when a user presses Ctrl+C.
                $process.StandardInput.Write([char] 3)
                $process.StandardInput.Flush()
                $deadline = [datetime]::UtcNow.AddSeconds(5)
                while (-not $process.HasExited -and [datetime]::UtcNow -lt $deadline) { & $pump 100 }
                $process.HasExited | Should -BeTrue -Because 'Ctrl+C ends the waiting at once'
                & $pump 500
            }
            finally {
                if (-not $process.HasExited) { $process.Kill($true) }
            }

            # The terminal's own escape sequences and line ends out, so the message reads as one line.
            $text = ($terminal.Text.ToString() -replace '\e\[[0-9;?]*[A-Za-z]|\e[=>]', '') -replace '\r?\n', ''
            $text | Should -Match 'Velero server restore ctrl-c \(Ctrl\+C sto.*east-token: InProgress' -Because 'the progress bar was drawn as the restore went on'
            $text | Should -Match "Stopped waiting for restore 'ctrl-c'\. Velero cannot cancel a restore: the Velero server in east-token keeps running it"
            $text | Should -Not -Match 'child went on'
            $live = Get-Restore ctrl-c -Context east-token -KubeConfig $kubeConfig
            $live.Phase | Should -Be 'InProgress' -Because 'the client stopped waiting long before the server could have finished'
            Wait-Until { (Get-Restore ctrl-c -Context east-token -KubeConfig $kubeConfig).Phase -eq 'Completed' } -Seconds 60
        }

        It 'runs as a job with -AsJob' {
            $job = New-Restore sample -Server -Name as-job -Context east-token @common -AsJob
            $result = $job | Wait-Job -Timeout 60 | Receive-Job

            $result.Phase | Should -Be 'Completed'
            $job.State | Should -Be 'Completed'
        }
    }

    Context 'mappings and resource modifiers' {
        It 'creates the ConfigMaps Velero reads, named after the restore and labelled with it, and removes them when it ends' {
            $modifiers = Join-Path -Path $TestDrive -ChildPath 'modifiers.yaml'
            Set-Content -LiteralPath $modifiers -Value "version: v1`nresourceModifierRules:`n- conditions:`n    groupResource: configmaps`n  mergePatches:`n  - patchData: '{""metadata"":{""labels"":{""x"":""y""}}}'"

            $null = New-Restore sample -Server -Name mapped -Context east-token -StorageClassMapping @{ standard = 'fast' } -ImageMapping @{ 'nginx:1' = 'nginx:2' } -ResourceModifier $modifiers -Label @{ 'velero-standin.test/item-delay-ms' = '200' } -NoWait @common -ErrorAction Stop
            $maps = (Invoke-Cluster east @('get', 'configmaps', '-n', 'velero', '-l', 'restore.powershell/restore-name=mapped') -Json).items

            @($maps.metadata.name | Sort-Object) | Should -Be @('mapped-change-image-name', 'mapped-change-storage-class', 'mapped-resource-modifiers')
            ($maps | Where-Object { $_.metadata.name -eq 'mapped-change-storage-class' }).metadata.labels.'velero.io/change-storage-class' | Should -Be 'RestoreItemAction'
            ($maps | Where-Object { $_.metadata.name -eq 'mapped-change-image-name' }).data.case1 | Should -Be 'nginx:1,nginx:2'
            (Get-ClusterRestore east mapped).spec.resourceModifier.name | Should -Be 'mapped-resource-modifiers'

            $thrown = Get-ThrownError { New-Restore sample -Server -Name mapped-again -Context east-token -StorageClassMapping @{ a = 'b' } @common -ErrorAction Stop }
            $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestorePluginConfigConflict*'

            Wait-Until { (Get-Restore mapped -Context east-token -KubeConfig $kubeConfig).Phase -eq 'Completed' }
            Get-Restore mapped -Context east-token -KubeConfig $kubeConfig | Remove-Restore -Confirm:$false
            (Invoke-Cluster east @('get', 'configmaps', '-n', 'velero', '-l', 'restore.powershell/restore-name=mapped') -Json).items | Should -BeNullOrEmpty
        }
    }

    Context 'Remove-Restore' {
        It 'deletes the Restore object, then Velero deletes its files; nothing restored is touched' {
            $null = New-Restore sample -Server -Name to-remove -Context east-token -StorageLocation $store @common -ErrorAction Stop
            Test-Path -LiteralPath (Join-Path $store 'restores/to-remove') | Should -BeTrue
            $before = @((Invoke-Cluster east @('get', 'configmaps', '-A') -Json).items).Count

            Get-Restore to-remove -Context east-token -KubeConfig $kubeConfig | Remove-Restore -Confirm:$false

            Get-ClusterRestore east to-remove | Should -BeNullOrEmpty
            Wait-Until { -not (Test-Path -LiteralPath (Join-Path $store 'restores/to-remove')) }
            @((Invoke-Cluster east @('get', 'configmaps', '-A') -Json).items).Count | Should -Be $before
        }

        It 'leaves a running restore alone without -Force' {
            $null = New-Restore sample -Server -Name still-running -Context east-token -Label @{ 'velero-standin.test/item-delay-ms' = '300' } -NoWait @common -ErrorAction Stop

            Remove-Restore still-running -Context east-token -KubeConfig $kubeConfig -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

            @($failures.FullyQualifiedErrorId) | Should -Contain 'RemoveRestoreStillRunning,Restore.PowerShell.Cmdlets.RemoveRestoreCommand'
            Get-ClusterRestore east still-running | Should -Not -BeNullOrEmpty
        }
    }
}
