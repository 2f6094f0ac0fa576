#Requires -Version 7.0
# Get-BackupItem: the items of a backup, by name and from Get-Backup, its filters and errors.

Describe 'Get-BackupItem' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
        function Format-Item { process { '{0}/{1}/{2}' -f $_.GroupResource, $_.Namespace, $_.Name } }
    }

    AfterAll {
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    It 'returns one typed object per item of the backup' {
        $items = @(Get-BackupItem sample -StorageLocation $store)

        $items.Count | Should -Be 9
        $items[0].GetType().FullName | Should -Be 'Restore.Engine.Api.BackupItem'
        $web = $items | Where-Object { $_.GroupResource -eq 'deployments.apps' }
        $web.Backup | Should -Be 'sample'
        $web.Resource | Should -Be 'deployments'
        $web.Group | Should -Be 'apps'
        $web.Kind | Should -Be 'Deployment'
        $web.Namespace | Should -Be 'demo'
        $web.Name | Should -Be 'web'
    }

    It 'takes backups from Get-Backup' {
        @(Get-Backup sample -StorageLocation $store | Get-BackupItem).Count | Should -Be 9
    }

    It 'filters on namespace, resource and name' {
        (@(Get-BackupItem sample -StorageLocation $store -Namespace demo -Resource secrets, configmaps | Format-Item | Sort-Object) -join ',') |
            Should -Be 'configmaps/demo/web-config,secrets/demo/web-credentials'
        (@(Get-BackupItem sample -StorageLocation $store -Resource *.rbac.authorization.k8s.io | Format-Item) -join ',') |
            Should -Be 'clusterroles.rbac.authorization.k8s.io//demo:web-reader'
        (@(Get-BackupItem sample -StorageLocation $store -ItemName 'web-*' | Format-Item | Sort-Object) -join ',') |
            Should -Be 'configmaps/demo/web-config,persistentvolumeclaims/demo/web-data,secrets/demo/web-credentials'
        # A namespace filter leaves cluster-scoped items out.
        @(Get-BackupItem sample -StorageLocation $store -Namespace * | Where-Object Namespace -EQ '').Count | Should -Be 0
    }

    It 'reports a missing backup as GetBackupItemBackupNotFound' {
        $items = Get-BackupItem nope -StorageLocation $store -ErrorVariable problems -ErrorAction SilentlyContinue

        $items | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'GetBackupItemBackupNotFound,*'
        $problems[0].TargetObject | Should -Be 'nope'
    }
}
