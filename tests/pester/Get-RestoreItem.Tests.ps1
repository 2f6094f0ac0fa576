#Requires -Version 7.0
# Get-RestoreItem: item outcomes by name and by pipeline, the filters, and Velero's resource list as a fallback.

Describe 'Get-RestoreItem' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
        $first = New-Restore sample -Name items-one -StorageLocation $store -ToDirectory (Join-Path -Path $TestDrive -ChildPath 'out-one') -WarningAction SilentlyContinue
        $null = New-Restore sample -Name items-two -StorageLocation $store -ToDirectory (Join-Path -Path $TestDrive -ChildPath 'out-two') -IncludeResource configmaps -WarningAction SilentlyContinue
        Write-TestGzip -Path (Join-Path -Path $store -ChildPath 'restores/velero-made/restore-velero-made-resource-list.json.gz') `
            -Text '{"apps/v1/Deployment":["shop/web(created)"],"v1/ConfigMap":["shop/cfg(failed)"],"v1/Namespace":["shop(created)"]}'
    }

    AfterAll {
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    It 'returns one typed outcome per item' {
        $items = @(Get-RestoreItem items-one -StorageLocation $store)

        $items.Count | Should -Be 9
        $items.Count | Should -Be $first.ItemsRestored
        $items[0].GetType().FullName | Should -Be 'Restore.Engine.Api.RestoreItem'
        $web = $items | Where-Object { $_.Resource -eq 'deployments.apps' -and $_.Name -eq 'web' }
        $web.Namespace | Should -Be 'demo'
        $web.Restore | Should -Be 'items-one'
        $web.Action | Should -Be 'Created'
    }

    It 'takes restores from Get-Restore and names each outcome''s restore' {
        $items = @(Get-Restore -StorageLocation $store -Name items-* | Get-RestoreItem)

        (@($items.Restore | Sort-Object -Unique) -join ',') | Should -Be 'items-one,items-two'
    }

    It 'filters on action, namespace and resource' {
        # Everything but the volume, which is skipped (no snapshot, reclaim policy Delete).
        $created = @(Get-RestoreItem items-one -StorageLocation $store -Action Created)
        $created.Count | Should -Be 8
        $created | ForEach-Object { $_.Action | Should -Be 'Created' }
        (@(Get-RestoreItem items-one -StorageLocation $store -Action Skipped).Resource -join ',') | Should -Be 'persistentvolumes'

        $demo = @(Get-RestoreItem items-one -StorageLocation $store -Namespace demo)
        (@($demo.Resource | Sort-Object) -join ',') | Should -Be 'configmaps,deployments.apps,persistentvolumeclaims,secrets,serviceaccounts,services'
        $demo | ForEach-Object { $_.Namespace | Should -Be 'demo' }

        (@(Get-RestoreItem items-one -StorageLocation $store -Resource deployments).Name -join ',') | Should -Be 'web'
        (@(Get-RestoreItem items-one -StorageLocation $store -Resource deployments.apps).Name -join ',') | Should -Be 'web'
        @(Get-RestoreItem items-one -StorageLocation $store -Resource deployments.extensions).Count | Should -Be 0
        (@(Get-RestoreItem items-one -StorageLocation $store -Resource clusterroles.*).Name -join ',') | Should -Be 'demo:web-reader'
    }

    It 'reads Velero''s resource list when there is no outcome file' {
        $items = @(Get-RestoreItem velero-made -StorageLocation $store)

        (@($items | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.Resource, $_.Namespace, $_.Name, $_.Action } | Sort-Object) -join ',') |
            Should -Be 'configmaps|shop|cfg|Failed,deployments.apps|shop|web|Created,namespaces||shop|Created'
    }

    It 'reports a missing restore as GetRestoreItemRestoreNotFound' {
        $items = Get-RestoreItem nope -StorageLocation $store -ErrorVariable problems -ErrorAction SilentlyContinue

        $items | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'GetRestoreItemRestoreNotFound,*'
    }

    It 'has a table view' {
        $text = Get-RestoreItem items-one -StorageLocation $store | Out-String

        $text | Should -Match 'Action'
        $text | Should -Match 'Message'
    }
}
