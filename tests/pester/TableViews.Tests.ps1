#Requires -Version 7.0
# The default table views at 80 and 120 columns, with names as Velero makes them (schedule-timestamp backups,
# backup-timestamp restores, PersistentVolume UUIDs): the columns an admin needs first are there and whole, and the
# reason comes last with its start visible.

Describe 'Default table views' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
        $nightly = Add-ScheduledCopyOfSample -StorageLocation $store -Schedule nightly -Started ([datetime]::new(2025, 3, 1, 2, 0, 0, [System.DateTimeKind]::Utc))

        # A default-named restore (backup name and time: 37 characters) run by a known identity.
        $folderRun = New-Restore $nightly -StorageLocation $store -ToDirectory (Join-Path -Path $TestDrive -ChildPath 'out') -WarningAction SilentlyContinue
        $recordPath = Join-Path -Path $store -ChildPath "restores/$($folderRun.Name)/restore-$($folderRun.Name)-record.json"
        $record = [System.Text.Json.Nodes.JsonNode]::Parse((Get-Content -LiteralPath $recordPath -Raw))
        $record['metadata']['annotations']['restore.powershell/created-by'] = [System.Text.Json.Nodes.JsonValue]::Create('ops-runbook')
        Set-Content -LiteralPath $recordPath -Value $record.ToJsonString() -Encoding utf8

        # A cluster restore where ConfigMaps are forbidden: failed items with their reasons.
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig'
        $server = Start-TestApiServer -KubeConfig $kubeconfig -ExtraArguments @('--forbid', 'configmaps:create')
        try {
            $clusterRun = New-Restore $nightly -Name shop-into-cluster -StorageLocation $store -KubeConfig $kubeconfig -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
        }
        finally {
            Stop-TestApiServer -Process $server
        }

        $views = @{
            Backup      = @(Get-Backup -StorageLocation $store)
            BackupItem  = @(Get-BackupItem $nightly -StorageLocation $store)
            Restore     = @(Get-Restore -StorageLocation $store)
            RestoreItem = @(Get-RestoreItem $folderRun.Name -StorageLocation $store)
            Failed      = @(Get-RestoreItem shop-into-cluster -StorageLocation $store -Action Failed)
            Plan        = @(Get-RestorePlan $nightly -StorageLocation $store -ToDirectory (Join-Path -Path $TestDrive -ChildPath 'plan'))
            Log         = @(Get-RestoreLog shop-into-cluster -StorageLocation $store -Level Warning)
        }
        # Format once first: the first use compiles the views' script blocks, and a first row that takes longer than
        # PowerShell's 300 ms sizing window would leave the widths to that row alone.
        foreach ($objects in $views.Values) { $null = $objects | Format-Table | Out-String -Width 200 }

        function Get-TableText {
            param([Parameter(Mandatory)] [string] $View, [Parameter(Mandatory)] [int] $Width)
            $views[$View] | Format-Table | Out-String -Width $Width
        }

        function Get-RowWith {
            # The table lines that hold every one of the values, whole.
            param([Parameter(Mandatory)] [string] $Text, [Parameter(Mandatory)] [string[]] $Value)
            @($Text -split "`r?`n" | Where-Object { $line = $_; @($Value | Where-Object { -not $line.Contains($_) }).Count -eq 0 })
        }

        function Get-HeaderLine {
            param([Parameter(Mandatory)] [string] $Text)
            $lines = @($Text -split "`r?`n")
            $rule = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^-+( +-+)*\s*$' })
            $lines[$rule - 1]
        }
    }

    It 'Get-Backup at <Width> columns: <Columns>' -ForEach @(
        @{ Width = 80; Columns = 'Name Phase Errors Warnings Created Expires' }
        @{ Width = 120; Columns = 'Name Phase Errors Warnings Created Expires' }
    ) {
        $text = Get-TableText -View Backup -Width $Width
        $nightlyBackup = $views.Backup | Where-Object Name -EQ $nightly

        (Get-HeaderLine -Text $text) -split '\s+' -join ' ' | Should -BeExactly $Columns
        Get-RowWith -Text $text -Value $nightly, 'Completed', $nightlyBackup.CreationTimestamp.ToLocalTime().ToString('yyyy-MM-dd HH:mm') | Should -HaveCount 1
    }

    It 'Get-BackupItem at <Width> columns: <Columns>, the whole PersistentVolume name last' -ForEach @(
        @{ Width = 80; Columns = 'Namespace Kind Size Name' }
        @{ Width = 120; Columns = 'Namespace Kind Size Name' }
    ) {
        $text = Get-TableText -View BackupItem -Width $Width
        $volume = $views.BackupItem | Where-Object Kind -EQ 'PersistentVolume'

        (Get-HeaderLine -Text $text) -split '\s+' -join ' ' | Should -BeExactly $Columns
        Get-RowWith -Text $text -Value 'PersistentVolume ', $volume.Name | Should -HaveCount 1
        Get-RowWith -Text $text -Value 'demo', 'PersistentVolumeClaim', 'web-data' | Should -HaveCount 1
    }

    It 'Get-Restore at <Width> columns: <Columns>, a default name, its status, the whole date and who' -ForEach @(
        # At 80 columns a 37-character name, PartiallyFailed and the date leave CreatedBy its first characters.
        @{ Width = 80; Columns = 'Name Status Started CreatedBy'; Who = 'ops-runb' }
        @{ Width = 120; Columns = 'Name Status Started CreatedBy Backup Cluster'; Who = 'ops-runbook' }
    ) {
        $text = Get-TableText -View Restore -Width $Width
        $started = $folderRun.StartTimestamp.ToLocalTime().ToString('yyyy-MM-dd HH:mm')

        (Get-HeaderLine -Text $text) -split '\s+' -join ' ' | Should -BeExactly $Columns
        $folderRun.Name.Length | Should -Be 37
        Get-RowWith -Text $text -Value $folderRun.Name, 'Completed', $started, $Who | Should -HaveCount 1
        Get-RowWith -Text $text -Value 'shop-into-cluster', 'PartiallyFailed' | Should -HaveCount 1
        if ($Width -ge 120) {
            Get-RowWith -Text $text -Value 'shop-into-cluster', 'token-user', $nightly | Should -HaveCount 1
        }
    }

    It 'Get-RestoreItem at <Width> columns: <Columns>, the message last with its start' -ForEach @(
        @{ Width = 80; Columns = 'Action Kind Item Message'; Start = 8 }
        @{ Width = 120; Columns = 'Action Kind Item Message'; Start = 45 }
    ) {
        $text = Get-TableText -View RestoreItem -Width $Width
        $volume = $views.RestoreItem | Where-Object Kind -EQ 'PersistentVolume'

        (Get-HeaderLine -Text $text) -split '\s+' -join ' ' | Should -BeExactly $Columns
        $text | Should -Match ([regex]::Escape("Restore: $($folderRun.Name) into "))
        Get-RowWith -Text $text -Value 'Skipped', 'PersistentVolume ', $volume.Name, $volume.Message.Substring(0, $Start) | Should -HaveCount 1
    }

    It 'Get-RestoreItem -Action Failed at <Width> columns shows why' -ForEach @(
        @{ Width = 80; Start = 30 }
        @{ Width = 120; Start = 70 }
    ) {
        $text = Get-TableText -View Failed -Width $Width
        $failed = $views.Failed | Where-Object Kind -EQ 'ConfigMap'

        $failed.Message | Should -Not -BeNullOrEmpty
        $text | Should -Match ([regex]::Escape('Restore: shop-into-cluster into restore-test-token'))
        Get-RowWith -Text $text -Value 'Failed', 'ConfigMap', 'demo/web-config', $failed.Message.Substring(0, $Start) | Should -HaveCount 1
    }

    It 'Get-RestorePlan at <Width> columns: <Columns>, the reason last with its start' -ForEach @(
        @{ Width = 80; Columns = 'Action Kind Item Reason'; Start = 8 }
        @{ Width = 120; Columns = 'Action Kind Item Reason'; Start = 45 }
    ) {
        $text = Get-TableText -View Plan -Width $Width
        $skipped = @($views.Plan | Where-Object { $_.Kind -eq 'PersistentVolume' -and $_.Reason })[0]

        (Get-HeaderLine -Text $text) -split '\s+' -join ' ' | Should -BeExactly $Columns
        $text | Should -Match 'Target: '
        Get-RowWith -Text $text -Value 'Skip', 'PersistentVolume ', $skipped.Name, $skipped.Reason.Substring(0, $Start) | Should -HaveCount 1
        Get-RowWith -Text $text -Value 'Create', 'PersistentVolumeClaim', 'demo/web-data' | Should -HaveCount 1
    }

    It 'Get-RestoreLog at <Width> columns: <Columns>' -ForEach @(
        @{ Width = 80; Columns = 'Time Level Message'; Start = 50 }
        @{ Width = 120; Columns = 'Time Level Message'; Start = 90 }
    ) {
        $text = Get-TableText -View Log -Width $Width
        $line = $views.Log | Where-Object Level -EQ 'Error' | Select-Object -First 1

        (Get-HeaderLine -Text $text) -split '\s+' -join ' ' | Should -BeExactly $Columns
        Get-RowWith -Text $text -Value 'Error', $line.Message.Substring(0, $Start) | Should -Not -BeNullOrEmpty
    }
}
