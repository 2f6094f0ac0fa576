#Requires -Version 7.0
# What a restore's record tells a user while and after it runs (issue #15): Get-RestoreItem during the run, in-flight
# creates after Stop-Job, retries counted and logged, warnings and errors by scope and progress per namespace, and a
# record that is a Velero Restore a cluster accepts as it is.

# The CRD case needs kubectl (it is on PATH in CI); without it that case is skipped, saying so.

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
    $manifestPath = Get-RestoreManifestPath
    Import-Module -Name $manifestPath -Force -ErrorAction Stop

    function Wait-Until([scriptblock] $Condition, [int] $Seconds = 120) {
        $deadline = [datetime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([datetime]::UtcNow -gt $deadline) { throw "Condition not met within $Seconds seconds: $Condition" }
            Start-Sleep -Milliseconds 50
        }
    }

    $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
    New-ConfigMapBackup -StorageLocation $store -Name bulk -Count 400
}

AfterAll {
    Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
}

Describe 'A restore seen while it runs' {
    BeforeAll {
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig-live'
        # A cluster that answers slowly, so the restores are still running when they are looked at or stopped.
        $server = Start-TestApiServer -KubeConfig $kubeconfig -ExtraArguments @('--latency-ms', '50')
    }

    AfterAll {
        Stop-TestApiServer -Process $server
    }

    It 'Get-RestoreItem shows the items done so far, and Get-Restore the progress of each namespace' {
        $job = New-Restore bulk -Name live -StorageLocation $store -KubeConfig $kubeconfig -Parallel 2 -AsJob
        try {
            # The files are rewritten as the restore runs: a read between writes may find one missing.
            Wait-Until { try { @(Get-RestoreItem -Name live -StorageLocation $store -ErrorAction Stop).Count -gt 10 } catch { $false } }
            $restore = Get-Restore -Name live -StorageLocation $store
            $items = @(Get-RestoreItem -Name live -StorageLocation $store)

            $restore.IsRunning | Should -BeTrue
            $items.Count | Should -BeLessThan 401
            $items | ForEach-Object { $_.Action | Should -Be 'Created' }
            $bulk = $restore.NamespaceProgress | Where-Object Namespace -EQ 'bulk'
            $bulk.ItemsDone | Should -BeGreaterThan 0
            $bulk.TotalItems | Should -BeGreaterOrEqual $bulk.ItemsDone

            $null = Wait-Job -Job $job -Timeout 300
            $final = Get-Restore -Name live -StorageLocation $store
            $final.Phase | Should -Be 'Completed'
            ($final.NamespaceProgress | Where-Object Namespace -EQ 'bulk').ToString() | Should -Be 'bulk 400/400'
            @(Get-RestoreItem -Name live -StorageLocation $store).Count | Should -Be 401
            ($final | Format-List | Out-String -Width 200) | Should -Match 'Namespaces\s*:\s*bulk 400/400'
        }
        finally {
            Stop-Job -Job $job -ErrorAction SilentlyContinue
            Remove-Job -Job $job -Force
        }
    }

    It 'after Stop-Job, every ConfigMap the cluster has is in the record as Created' {
        $job = New-Restore bulk -Name stopped-live -StorageLocation $store -KubeConfig $kubeconfig -Parallel 4 -NamespaceMapping @{ bulk = 'bulk-stop' } -AsJob
        try {
            Wait-Until { try { @(Get-RestoreItem -Name stopped-live -StorageLocation $store -ErrorAction Stop).Count -gt 10 } catch { $false } }
            Stop-Job -Job $job
            # Let any request the server was still holding finish.
            Start-Sleep -Seconds 1

            $onCluster = @((Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'configmaps', '-n', 'bulk-stop', '-o', 'name')) -split "`n" | Where-Object { $_ -like 'configmap/cm-*' })
            $created = @(Get-RestoreItem -Name stopped-live -StorageLocation $store -Action Created | Where-Object Kind -EQ 'ConfigMap')
            $restore = Get-Restore -Name stopped-live -StorageLocation $store

            $restore.Status | Should -Be 'Failed (canceled)'
            $onCluster.Count | Should -BeLessThan 400
            $created.Count | Should -Be $onCluster.Count
            @($created.Name | Sort-Object) | Should -Be @($onCluster | ForEach-Object { $_ -replace '^configmap/' } | Sort-Object)
        }
        finally {
            Remove-Job -Job $job -Force
        }
    }
}

Describe 'Retries' {
    BeforeAll {
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig-flaky'
        # One request in twenty fails with 503, as an overloaded API server does.
        $server = Start-TestApiServer -KubeConfig $kubeconfig -ExtraArguments @('--fail', '503:0.05', '--seed', '7')
    }

    AfterAll {
        Stop-TestApiServer -Process $server
    }

    It 'are counted on the Restore object and each is in the restore log at debug level' {
        $restore = New-Restore bulk -Name flaky -StorageLocation $store -KubeConfig $kubeconfig -Parallel 4 -WarningAction SilentlyContinue

        $restore.Phase | Should -Be 'Completed'
        $restore.Retries | Should -BeGreaterThan 0
        (Get-Restore -Name flaky -StorageLocation $store).Retries | Should -Be $restore.Retries
        $lines = @(Get-RestoreLog -Name flaky -StorageLocation $store | Where-Object Message -EQ 'Retrying Kubernetes API call')
        $lines.Count | Should -Be $restore.Retries
        $lines | ForEach-Object {
            "$($_.Level)" | Should -Be 'Debug'
            $_.Fields['reason'] | Should -Not -BeNullOrEmpty
            $_.Fields['attempt'] | Should -Match '^[0-9]+$'
            $_.Fields['delay'] | Should -Match '^[0-9]+ms$'
        }
        ($restore | Format-List | Out-String -Width 200) | Should -Match "Retries\s*:\s*$($restore.Retries)"
    }
}

Describe 'Warnings and errors by scope' {
    BeforeAll {
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig-scope'
        $server = Start-TestApiServer -KubeConfig $kubeconfig -ExtraArguments @('--forbid', 'configmaps:create')
    }

    AfterAll {
        Stop-TestApiServer -Process $server
    }

    It 'Get-Restore groups them as velero restore describe does' {
        $null = New-Restore sample -Name scoped -StorageLocation $store -KubeConfig $kubeconfig -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $restore = Get-Restore -Name scoped -StorageLocation $store

        $restore.Phase | Should -Be 'PartiallyFailed'
        $restore.ErrorMessages.Count | Should -Be $restore.Errors
        $restore.ErrorMessages.Namespaces.Keys | Should -Be @('demo')
        $restore.ErrorMessages.Namespaces['demo'][0] | Should -BeLike 'error restoring configmaps/demo/web-config: *forbidden*'
        $restore.ErrorMessages.Velero.Count | Should -Be 0
        "$($restore.ErrorMessages)" | Should -Be 'demo 1'
        $text = $restore | Format-List | Out-String -Width 200
        $text | Should -Match 'ErrorMessages\s*:\s*Namespace demo: error restoring configmaps/demo/web-config'
        $text | Should -Match 'Namespaces\s*:\s*demo \d+/\d+'
        # The table stays as it was: 80 columns.
        ($restore | Format-Table | Out-String -Width 80) -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }
}

Describe 'The record is a Velero Restore' {
    BeforeAll {
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig-crds'
        $server = Start-TestApiServer -KubeConfig $kubeconfig -ExtraArguments @('--velero-crds')
    }

    AfterAll {
        Stop-TestApiServer -Process $server
    }

    It 'keeps our own fields out of spec and status, and a cluster with the Velero CRDs takes it as it is' {
        if (-not (Get-TestKubectlPath)) { Set-ItResult -Skipped -Because 'kubectl is not on PATH: the record is created in the cluster with it' }
        $null = New-Restore sample -Name as-velero -StorageLocation $store -KubeConfig $kubeconfig -StorageClassMapping @{ slow = 'fast' } -Description 'drill' -WarningAction SilentlyContinue
        $path = Join-Path -Path $store -ChildPath 'restores/as-velero/restore-as-velero-record.json'
        $record = Get-Content -LiteralPath $path -Raw | ConvertFrom-Json -AsHashtable

        $record.spec.Keys | Should -Not -Contain 'storageClassMapping'
        $record.spec.Keys | Should -Not -Contain 'description'
        $record.status.Keys | Should -Not -Contain 'targets'
        $record.status.Keys | Should -Not -Contain 'lastUpdateTimestamp'
        ($record.metadata.annotations['restore.powershell/spec'] | ConvertFrom-Json).storageClassMapping.slow | Should -Be 'fast'
        # Scripts read our status with plain ConvertFrom-Json (no -AsHashtable): cluster-scoped items have no namespace.
        $ours = $record.metadata.annotations['restore.powershell/status'] | ConvertFrom-Json
        ($ours.namespaces | Where-Object namespace -EQ 'demo').done | Should -BeGreaterThan 0
        ($ours.namespaces | Where-Object namespace -EQ '').total | Should -BeGreaterThan 0
        (Get-Restore -Name as-velero -StorageLocation $store).Spec.StorageClassMapping['slow'] | Should -Be 'fast'

        $null = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('create', 'namespace', 'velero')
        $null = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('create', '-f', $path)
        $inCluster = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'restores.velero.io', '-n', 'velero', 'as-velero') -Json
        $inCluster.spec.backupName | Should -Be 'sample'
        $inCluster.metadata.annotations.'restore.powershell/description' | Should -Be 'drill'
    }
}
