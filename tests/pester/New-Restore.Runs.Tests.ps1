#Requires -Version 7.0
# How New-Restore runs (issue #13): runbook semantics under ErrorAction Stop, no engine work outliving its pipeline,
# warnings once, Ctrl+C and Stop-Job, failed jobs, -Timeout, and the errors of an unreachable cluster.

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
    $manifestPath = Get-RestoreManifestPath
    Import-Module -Name $manifestPath -Force -ErrorAction Stop

    function Read-RestoreRecord([string] $StorageLocation, [string] $Name) {
        Get-Content -LiteralPath (Join-Path -Path $StorageLocation -ChildPath "restores/$Name/restore-$Name-record.json") -Raw | ConvertFrom-Json
    }

    # What the restore's files look like now: a change means something is still writing them.
    function Get-FolderState([string] $Path) {
        (Get-ChildItem -LiteralPath $Path -Recurse -File | Sort-Object FullName | ForEach-Object { '{0}|{1}|{2}' -f $_.FullName, $_.Length, $_.LastWriteTimeUtc.Ticks }) -join "`n"
    }

    function Wait-Until([scriptblock] $Condition, [int] $Seconds = 120) {
        $deadline = [datetime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([datetime]::UtcNow -gt $deadline) { throw "Condition not met within $Seconds seconds: $Condition" }
            Start-Sleep -Milliseconds 50
        }
    }

    # A kubeconfig whose only context points at a loopback port that was free a moment ago: nothing listens there.
    function New-ClosedPortKubeConfig([string] $Path, [string] $Context) {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $port = $listener.LocalEndpoint.Port
        $listener.Stop()
        Set-Content -LiteralPath $Path -Encoding utf8 -Value @"
apiVersion: v1
kind: Config
clusters:
- name: closed
  cluster:
    server: https://127.0.0.1:$port
contexts:
- name: $Context
  context:
    cluster: closed
    user: someone
current-context: $Context
users:
- name: someone
  user:
    token: not-a-real-token
"@
    }

    $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
    New-ConfigMapBackup -StorageLocation $store -Name bulk -Count 3000
    # Restoring a PartiallyFailed backup warns first thing, with the whole restore still to do.
    New-ConfigMapBackup -StorageLocation $store -Name bulk-partial -Count 1000 -Phase PartiallyFailed
    $bulkTarball = Join-Path -Path $store -ChildPath 'backups/bulk/bulk.tar.gz'
}

AfterAll {
    Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
}

Describe 'New-Restore in a runbook (ErrorActionPreference Stop)' {
    BeforeAll {
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig-runbook'
        # Every ConfigMap create is refused, so each restore of 'sample' has exactly one failed item (web-config).
        $server = Start-TestApiServer -KubeConfig $kubeconfig -ExtraArguments @('--forbid', 'configmaps:create')
        $runbookArguments = "-StorageLocation '$store' -KubeConfig '$kubeconfig' -IncludeNamespace demo -ClusterResources None"
    }

    AfterAll {
        Stop-TestApiServer -Process $server
    }

    It 'finishes the restore, then throws one NewRestorePartiallyFailed error; the record is final when it does' {
        $script = Join-Path -Path $TestDrive -ChildPath 'runbook.ps1'
        $report = Join-Path -Path $TestDrive -ChildPath 'runbook.json'
        Set-Content -LiteralPath $script -Encoding utf8 -Value @"
`$ErrorActionPreference = 'Stop'
Import-Module -Name '$manifestPath'
`$record = Join-Path -Path '$store' -ChildPath 'restores/runbook-one'
try {
    New-Restore sample -Name runbook-one $runbookArguments -NamespaceMapping @{ demo = 'runbook-one' } -OutVariable restore | Out-Null
    `$caught = `$null
}
catch {
    `$caught = `$_
}
# What the cmdlet left behind when it returned, and again a while later: nothing may still be writing.
`$atReturn = Get-Content -LiteralPath (Join-Path `$record 'restore-runbook-one-record.json') -Raw | ConvertFrom-Json
`$filesAtReturn = (Get-ChildItem -LiteralPath `$record -File | Sort-Object Name | ForEach-Object { '{0}|{1}|{2}' -f `$_.Name, `$_.Length, `$_.LastWriteTimeUtc.Ticks }) -join ';'
Start-Sleep -Seconds 3
`$filesLater = (Get-ChildItem -LiteralPath `$record -File | Sort-Object Name | ForEach-Object { '{0}|{1}|{2}' -f `$_.Name, `$_.Length, `$_.LastWriteTimeUtc.Ticks }) -join ';'
[pscustomobject]@{
    ErrorId       = `$caught.FullyQualifiedErrorId
    Category      = "`$(`$caught.CategoryInfo.Category)"
    TargetType    = if (`$caught) { `$caught.TargetObject.GetType().FullName }
    TargetPhase   = `$caught.TargetObject.Phase
    Output        = @(`$restore).Count
    OutputPhase   = `$restore[0].Phase
    PhaseAtReturn = `$atReturn.status.phase
    Restored      = `$atReturn.status.progress.itemsRestored
    Total         = `$atReturn.status.progress.totalItems
    Errors        = `$atReturn.status.errors
    Unchanged     = `$filesAtReturn -eq `$filesLater
} | ConvertTo-Json | Set-Content -LiteralPath '$report' -Encoding utf8
"@

        $null = & (Get-TestPwshPath) -NoProfile -NonInteractive -File $script
        $LASTEXITCODE | Should -Be 0
        $result = Get-Content -LiteralPath $report -Raw | ConvertFrom-Json

        $result.ErrorId | Should -BeLike 'NewRestorePartiallyFailed,*'
        $result.Category | Should -Be 'PermissionDenied'
        $result.TargetType | Should -Be 'Restore.Engine.Api.RestoreInfo'
        $result.TargetPhase | Should -Be 'PartiallyFailed'
        $result.Output | Should -Be 1
        $result.OutputPhase | Should -Be 'PartiallyFailed'
        $result.PhaseAtReturn | Should -Be 'PartiallyFailed'
        $result.Unchanged | Should -BeTrue
        $items = @(Get-RestoreItem runbook-one -StorageLocation $store)
        $result.Total | Should -Be $items.Count
        $result.Restored | Should -Be $items.Count
        $result.Errors | Should -Be @($items | Where-Object Action -EQ 'Failed').Count
        @(Get-RestoreItem runbook-one -StorageLocation $store -Action Failed).Name | Should -Be 'web-config'
    }

    It 'ends a script without try/catch with exit code 1, after the restore has ended' {
        $script = Join-Path -Path $TestDrive -ChildPath 'runbook-exit.ps1'
        Set-Content -LiteralPath $script -Encoding utf8 -Value @"
`$ErrorActionPreference = 'Stop'
Import-Module -Name '$manifestPath'
New-Restore sample -Name runbook-exit $runbookArguments -NamespaceMapping @{ demo = 'runbook-exit' } | Out-Null
'not reached'
"@

        $output = & (Get-TestPwshPath) -NoProfile -NonInteractive -File $script 2>&1 | Out-String

        $LASTEXITCODE | Should -Be 1
        $output | Should -Not -Match 'not reached'
        $output | Should -Match "Restore 'runbook-exit' ended PartiallyFailed"
        $record = Read-RestoreRecord -StorageLocation $store -Name runbook-exit
        $record.status.phase | Should -Be 'PartiallyFailed'
        $record.status.progress.itemsRestored | Should -Be $record.status.progress.totalItems
    }

    It 'with -ErrorAction Stop throws only once the record is final, with the Restore as target' {
        $thrown = Get-ThrownError { New-Restore sample -Name ea-stop -StorageLocation $store -KubeConfig $kubeconfig -IncludeNamespace demo -ClusterResources None -NamespaceMapping @{ demo = 'ea-stop' } -ErrorAction Stop }

        $thrown.FullyQualifiedErrorId | Should -BeLike 'NewRestorePartiallyFailed,*'
        $thrown.TargetObject.Name | Should -Be 'ea-stop'
        (Read-RestoreRecord -StorageLocation $store -Name ea-stop).status.phase | Should -Be 'PartiallyFailed'
    }

    It 'writes the Restore object first, then the summary error, then one error per failed item with its category' {
        $output = New-Restore sample -Name ea-continue -StorageLocation $store -KubeConfig $kubeconfig -IncludeNamespace demo -ClusterResources None `
            -NamespaceMapping @{ demo = 'ea-continue' } -ErrorVariable failures -ErrorAction SilentlyContinue

        @($output).Count | Should -Be 1
        $output.Phase | Should -Be 'PartiallyFailed'
        @($failures).Count | Should -Be 2
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'NewRestorePartiallyFailed,*'
        $failures[1].FullyQualifiedErrorId | Should -BeLike 'NewRestoreItemFailed,*'
        $failures[1].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failures[1].TargetObject.Name | Should -Be 'web-config'
    }

    It 'hands the finished Restore to Select-Object -First 1' {
        $first = New-Restore sample -Name first-one -StorageLocation $store -KubeConfig $kubeconfig -IncludeNamespace demo -ClusterResources None `
            -NamespaceMapping @{ demo = 'first-one' } -ErrorAction SilentlyContinue | Select-Object -First 1

        $first.Phase | Should -Be 'PartiallyFailed'
        (Read-RestoreRecord -StorageLocation $store -Name first-one).status.phase | Should -Be 'PartiallyFailed'
    }
}

Describe 'Warnings of a restore' {
    BeforeAll {
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig-warnings'
        $server = Start-TestApiServer -KubeConfig $kubeconfig
    }

    AfterAll {
        Stop-TestApiServer -Process $server
    }

    It 'writes each warning once' {
        $restore = New-Restore sample -Name warn-once -StorageLocation $store -KubeConfig $kubeconfig -WarningVariable warnings -WarningAction SilentlyContinue

        $restore.Warnings | Should -BeGreaterThan 0
        @($warnings).Count | Should -Be $restore.Warnings
        @($warnings | Group-Object -Property Message | Where-Object Count -GT 1) | Should -BeNullOrEmpty
        @($warnings | Where-Object Message -Like '*restore warning:*') | Should -BeNullOrEmpty
    }
}

Describe 'Engine work never outlives its pipeline' {
    It 'finishes the restore before a write that throws (WarningAction Stop) ends the command' {
        $out = Join-Path -Path $TestDrive -ChildPath 'warning-stop'

        $thrown = Get-ThrownError { New-Restore bulk-partial -Name warning-stop -StorageLocation $store -ToDirectory $out -WarningAction Stop 3>$null }

        $thrown.Exception | Should -BeOfType ([System.Management.Automation.ActionPreferenceStopException])
        $thrown.Exception.Message | Should -Match 'PartiallyFailed'
        $record = Read-RestoreRecord -StorageLocation $store -Name warning-stop
        $record.status.phase | Should -Be 'Completed'
        $record.status.progress.itemsRestored | Should -Be 1001
        @(Get-ChildItem -LiteralPath $out -Recurse -File).Count | Should -Be 1001
    }

    It 'stops reading the backup when Select-Object -First has what it wants' {
        # The filter matches early items only: a scan left running would read on through the rest, holding the tarball open.
        foreach ($attempt in 1..3) {
            $first = Get-BackupItem bulk -StorageLocation $store -ItemName 'cm-0000*' | Select-Object -First 1

            $first.Name | Should -Be 'cm-00000'
            $exclusive = [System.IO.File]::Open($bulkTarball, 'Open', 'Read', 'None')
            $exclusive.Dispose()
        }
    }

    It 'stops writing files when a folder restore is stopped, and its record counts what was written' {
        $out = Join-Path -Path $TestDrive -ChildPath 'stopped-folder'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module -Name '$manifestPath'; New-Restore bulk -Name stopped-folder -StorageLocation '$store' -ToDirectory '$out'")
            $null = $ps.BeginInvoke()
            Wait-Until { @(Get-ChildItem -LiteralPath $out -Recurse -File -ErrorAction SilentlyContinue).Count -gt 20 }

            $ps.Stop()
            $record = Read-RestoreRecord -StorageLocation $store -Name stopped-folder
            $warningsAtStop = $ps.Streams.Warning.Count
            $atStop = Get-FolderState -Path $out
            Start-Sleep -Seconds 3

            $record.status.phase | Should -Be 'Failed'
            ($record.metadata.annotations.'restore.powershell/status' | ConvertFrom-Json).canceled | Should -BeTrue
            $written = @(Get-ChildItem -LiteralPath $out -Recurse -File).Count
            $record.status.progress.itemsRestored | Should -Be $written
            $written | Should -BeLessThan 3001
            Get-FolderState -Path $out | Should -Be $atStop
            $ps.Streams.Warning.Count | Should -Be $warningsAtStop
        }
        finally {
            $ps.Dispose()
        }
    }
}

Describe 'New-Restore -AsJob' {
    It 'Stop-Job returns once the restore has ended and the job is Stopped' {
        # A cluster that answers slowly, so the stop always lands mid-restore (a folder restore can finish first).
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig-slow-job'
        $slowServer = Start-TestApiServer -KubeConfig $kubeconfig -ExtraArguments @('--latency-ms', '50')
        $job = New-Restore bulk -Name stopped-job -StorageLocation $store -KubeConfig $kubeconfig -Parallel 4 -AsJob
        try {
            # The record is rewritten as the restore runs: a read between writes may find it missing or partial.
            Wait-Until { try { (Read-RestoreRecord -StorageLocation $store -Name stopped-job).status.progress.itemsRestored -gt 20 } catch { $false } }

            Stop-Job -Job $job
            $state = $job.State
            $record = Read-RestoreRecord -StorageLocation $store -Name stopped-job
            $recordAtStop = Get-FolderState -Path (Join-Path -Path $store -ChildPath 'restores/stopped-job')
            $outcomes = @(Get-RestoreItem -Name stopped-job -StorageLocation $store)

            $state | Should -Be 'Stopped'
            $record.status.phase | Should -Be 'Failed'
            ($record.metadata.annotations.'restore.powershell/status' | ConvertFrom-Json).canceled | Should -BeTrue
            $record.status.progress.itemsRestored | Should -BeLessThan 3001
            $record.status.progress.itemsRestored | Should -Be @($outcomes | Where-Object Action -EQ 'Created').Count
            $restore = Receive-Job -Job $job -WarningVariable warnings -WarningAction SilentlyContinue
            $restore.Phase | Should -Be 'Failed'
            $warnings | Should -Match "The restore 'stopped-job' was stopped after"
            Start-Sleep -Seconds 3
            Get-FolderState -Path (Join-Path -Path $store -ChildPath 'restores/stopped-job') | Should -Be $recordAtStop
        }
        finally {
            Remove-Job -Job $job -Force
            Stop-TestApiServer -Process $slowServer
        }
    }

    It 'ends Failed, with the reason and the error in its error stream, when the restore fails' {
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig-closed-job'
        New-ClosedPortKubeConfig -Path $kubeconfig -Context closed-job
        $job = New-Restore sample -Name failed-job -StorageLocation $store -KubeConfig $kubeconfig -AsJob
        try {
            $null = Wait-Job -Job $job -Timeout 120

            $job.State | Should -Be 'Failed'
            $job.JobStateInfo.Reason.Message | Should -Match "The restore 'failed-job' ended Failed: could not connect"
            $restore = Receive-Job -Job $job -ErrorVariable failures -ErrorAction SilentlyContinue
            $restore.Phase | Should -Be 'Failed'
            $targetError = @($failures | Where-Object FullyQualifiedErrorId -Like 'NewRestoreTargetFailed*')
            $targetError.Count | Should -Be 1
            $targetError[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $targetError[0].TargetObject | Should -Be 'closed-job'
        }
        finally {
            Remove-Job -Job $job -Force
        }
    }
}

Describe 'New-Restore errors' {
    It 'names the context of an unreachable cluster as the target of a ConnectionError' {
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig-closed'
        New-ClosedPortKubeConfig -Path $kubeconfig -Context closed-port

        $restore = New-Restore sample -Name unreachable -StorageLocation $store -KubeConfig $kubeconfig -ErrorVariable failures -ErrorAction SilentlyContinue

        $restore.Phase | Should -Be 'Failed'
        @($failures).Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'NewRestoreTargetFailed,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $failures[0].TargetObject | Should -BeOfType ([string])
        $failures[0].TargetObject | Should -Be 'closed-port'
    }

    It 'raises NewRestoreTimedOut with the Restore as target when -Timeout passes' {
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig-slow'
        $slow = Start-TestApiServer -KubeConfig $kubeconfig -ExtraArguments @('--latency-ms', '5000')
        try {
            $restore = New-Restore sample -Name timed-out -StorageLocation $store -KubeConfig $kubeconfig -Timeout 1s -ErrorVariable failures -ErrorAction SilentlyContinue
        }
        finally {
            Stop-TestApiServer -Process $slow
        }

        $restore.Phase | Should -Be 'Failed'
        @($failures).Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'NewRestoreTimedOut,*'
        $failures[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $failures[0].TargetObject.Name | Should -Be 'timed-out'
        $failures[0].TargetObject.Phase | Should -Be 'Failed'
    }
}
