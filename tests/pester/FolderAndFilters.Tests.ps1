#Requires -Version 7.0
# Issue 15, seen through the cmdlets: an undecodable item fails alone, a folder restore writes what a cluster restore
# would (status, token Secrets, CRDs first), filters that match nothing warn, and default restore names never collide.

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
    Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop
    $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')

    function New-ItemBackup {
        <#
        .SYNOPSIS
            Writes backup <Name>: the given tar entries (path -> text) in Velero's layout, metadata copied from 'sample'.
        #>
        param([string] $Name, [System.Collections.Specialized.OrderedDictionary] $Files)

        Write-TestBackup -StorageLocation $store -Name $Name -File $Files
    }

    function Out-Folder([string] $Name) { Join-Path -Path $TestDrive -ChildPath "out-$Name" }

    function Get-WrittenFile([string] $Folder) {
        @(Get-ChildItem -LiteralPath $Folder -Recurse -File -Filter *.yaml | ForEach-Object { [System.IO.Path]::GetRelativePath($Folder, $_.FullName).Replace('\', '/') } | Sort-Object { $_ } -CaseSensitive)
    }

    $namespace = '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}}'
    function ConfigMap([string] $Name) { '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"' + $Name + '","namespace":"shop","labels":{"app":"web"}},"data":{"k":"v"}}' }

    # A lone surrogate escape: the reader takes it, writing it back fails (it used to stop the whole folder restore).
    New-ItemBackup -Name broken -Files ([ordered]@{
            'resources/namespaces/cluster/shop.json'           = $namespace
            'resources/configmaps/namespaces/shop/a-good.json' = (ConfigMap 'a-good')
            'resources/configmaps/namespaces/shop/broken.json' = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"broken","namespace":"shop"},"data":{"a":"\ud800"}}'
            'resources/configmaps/namespaces/shop/z-good.json' = (ConfigMap 'z-good')
        })

    New-ItemBackup -Name parity -Files ([ordered]@{
            'resources/namespaces/cluster/shop.json'                                          = $namespace
            'resources/customresourcedefinitions.apiextensions.k8s.io/cluster/widgets.example.com.json' = '{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced","names":{"kind":"Widget","listKind":"WidgetList","plural":"widgets","singular":"widget"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}'
            'resources/widgets.example.com/namespaces/shop/w1.json'                          = '{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1","namespace":"shop"},"spec":{"size":3},"status":{"ready":true}}'
            'resources/serviceaccounts/namespaces/shop/web.json'                             = '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"web","namespace":"shop"},"secrets":[{"name":"web-token-abcde"}]}'
            'resources/secrets/namespaces/shop/web-token-abcde.json'                         = '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"web-token-abcde","namespace":"shop","annotations":{"kubernetes.io/service-account.name":"web"}},"type":"kubernetes.io/service-account-token","data":{"token":"dG9r"}}'
            'resources/configmaps/namespaces/shop/c1.json'                                   = (ConfigMap 'c1')
        })
}

AfterAll {
    Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
}

Describe 'An item whose JSON cannot be decoded' {
    It 'fails alone in a folder restore: PartiallyFailed, the file named, the rest written' {
        $out = Out-Folder 'broken'
        $restore = New-Restore broken -Name broken-folder -StorageLocation $store -ToDirectory $out -ErrorVariable failures -ErrorAction SilentlyContinue

        $restore.Phase | Should -Be 'PartiallyFailed'
        $restore.Errors | Should -Be 1
        $restore.FailureReason | Should -BeLike '*resources/configmaps/namespaces/shop/broken.json*'
        $written = Get-WrittenFile $out
        $written | Should -Contain '000-namespaces/0001-shop.yaml'
        @($written | Where-Object { $_ -like '*-configmap-shop-a-good.yaml' -or $_ -like '*-configmap-shop-z-good.yaml' }).Count | Should -Be 2
        @($written | Where-Object { $_ -like '*broken*' }).Count | Should -Be 0
        $item = Get-RestoreItem -Name broken-folder -StorageLocation $store | Where-Object Name -EQ 'broken'
        $item.Action | Should -Be 'Failed'
        $item.Message | Should -BeLike '*broken.json*'
    }

    It 'shows as Failed in Get-RestorePlan, the rest planned' {
        $plan = @(Get-RestorePlan broken -StorageLocation $store -ToDirectory (Out-Folder 'broken-plan'))

        ($plan | Where-Object Name -EQ 'broken').Decision | Should -Be 'Failed'
        @($plan | Where-Object Decision -EQ 'Create').Count | Should -Be 3
    }
}

Describe 'A folder restore writes what a cluster restore would' {
    BeforeAll {
        $out = Out-Folder 'parity'
        $restore = New-Restore parity -Name parity -StorageLocation $store -ToDirectory $out -IncludeStatusResource widgets.example.com
        $written = Get-WrittenFile $out
    }

    It 'completes' {
        $restore.Phase | Should -Be 'Completed'
    }

    It 'puts the CustomResourceDefinitions first, before the namespaces, in folder and file order' {
        $written[0] | Should -Be '000-customresourcedefinitions.apiextensions.k8s.io/0001-customresourcedefinition-widgets.example.com.yaml'
        $written[1] | Should -Be '001-namespaces/0002-shop.yaml'
    }

    It 'writes the status the restore asks for' {
        $widget = Get-Content -LiteralPath (Join-Path -Path $out -ChildPath ($written | Where-Object { $_ -like '*-widget-shop-w1.yaml' })) -Raw
        $widget | Should -Match '(?m)^status:\s*\r?\n\s+ready: true'
    }

    It 'skips the token Secret of a ServiceAccount it restores, as Velero does' {
        @($written | Where-Object { $_ -like '*web-token-abcde*' }).Count | Should -Be 0
        @($written | Where-Object { $_ -like '*-serviceaccount-shop-web.yaml' }).Count | Should -Be 1
        (Get-RestoreItem -Name parity -StorageLocation $store | Where-Object Name -EQ 'web-token-abcde').Action | Should -Be 'Skipped'
    }
}

Describe 'Filters that match nothing' {
    It 'New-Restore warns naming <Label>, on the warning stream and in the record' -ForEach @(
        @{ Label = 'a namespace include'; Splat = @{ IncludeNamespace = 'nomatch-*' }; Expected = 'the namespace filter includes "nomatch-*", which matches no namespace in the backup' }
        @{ Label = 'an object pattern'; Splat = @{ Object = 'configmaps/demo/zzz', 'configmaps/demo/web-config' }; Expected = 'the object pattern "configmaps/demo/zzz" matches none of the 9 items the resource and namespace filters include' }
        @{ Label = 'a label selector'; Splat = @{ LabelSelector = 'app=zzz' }; Expected = 'the label selector "app=zzz" matches none of the 9 items the resource and namespace filters include' }
        @{ Label = 'a resource include'; Splat = @{ IncludeResource = 'configmaps', 'widgetz' }; Expected = 'the resource filter includes "widgetz", which matches no resource in the backup' }
        @{ Label = 'a resource exclude'; Splat = @{ ExcludeResource = 'widgetz' }; Expected = 'the resource filter excludes "widgetz", which matches no resource in the backup' }
    ) {
        $name = 'filter-' + ($Label -replace '[^a-z]', '')
        $restore = New-Restore sample -Name $name -StorageLocation $store -ToDirectory (Out-Folder $name) @Splat -WarningVariable warned -WarningAction SilentlyContinue

        $restore.Phase | Should -Be 'Completed'
        @($warned | ForEach-Object { "$_" }) | Should -Contain $Expected
        $restore.Warnings | Should -BeGreaterOrEqual 1
        (Get-Restore -Name $name -StorageLocation $store).Warnings | Should -Be $restore.Warnings
    }

    It 'Get-RestorePlan warns too' {
        $null = Get-RestorePlan sample -StorageLocation $store -ToDirectory (Out-Folder 'plan-filter') -IncludeNamespace 'nomatch-*' -WarningVariable warned -WarningAction SilentlyContinue

        @($warned | Where-Object { "$_" -like '*the namespace filter includes "nomatch-*", which matches no namespace in the backup' }).Count | Should -Be 1
    }

    It 'a restore whose filters all match something does not warn about them' {
        $null = New-Restore sample -Name filter-ok -StorageLocation $store -ToDirectory (Out-Folder 'filter-ok') -IncludeNamespace demo -LabelSelector 'app=web' -WarningVariable warned -WarningAction SilentlyContinue

        @($warned | Where-Object { "$_" -like '*filter*' -or "$_" -like '*selector*' }).Count | Should -Be 0
    }
}

Describe 'Default restore names' {
    It 'are unique for restores of one backup started together (-AsJob)' {
        $jobs = 1..4 | ForEach-Object { New-Restore sample -StorageLocation $store -ToDirectory (Out-Folder "job-$_") -AsJob }
        $restores = $jobs | Wait-Job -Timeout 120 | Receive-Job -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $jobs | Remove-Job -Force

        $failures | Should -BeNullOrEmpty
        @($restores).Count | Should -Be 4
        @($restores.Name | Sort-Object -Unique).Count | Should -Be 4
        $restores.Name | ForEach-Object { $_ | Should -Match '^sample-\d{14}(-\d+)?$' }
        $restores.Phase | ForEach-Object { $_ | Should -Be 'Completed' }
    }
}
