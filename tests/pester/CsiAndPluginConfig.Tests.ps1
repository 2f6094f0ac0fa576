#Requires -Version 7.0
# Issue 15: CSI snapshot volumes (pre-provisioned VolumeSnapshotContents), Velero's plugin ConfigMaps, a resource
# modifier ConfigMap manifest file, and API group versions as parameters, driven through the cmdlets against the test
# API server and checked with kubectl.

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
    Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop

    function New-CsiTestBackup {
        <#
        .SYNOPSIS
            Writes backup <Name> into a storage location, laid out as Velero lays it out (each item at its unversioned
            path and under v<n>-preferredversion): namespace 'shop'; claim 'data' backed up with CSI snapshot
            velero-data-abc (VolumeSnapshot + VolumeSnapshotContent snapcontent-1 with handle snap-handle-42); claim
            'cache' whose snapshot's content is missing from the backup; a Deployment 'web'; a CRD
            rockbands.music.example.io with its custom resource 'beatles' at v2beta1 (preferred) and v2beta2.
        #>
        param([string] $StorageLocation, [string] $Name)

        $items = [ordered]@{}
        $items['namespaces|cluster|shop|v1'] = @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = 'shop' } }
        $items['persistentvolumeclaims|shop|data|v1'] = @{
            apiVersion = 'v1'; kind = 'PersistentVolumeClaim'
            metadata = @{ name = 'data'; namespace = 'shop'; annotations = @{ 'velero.io/volume-snapshot-name' = 'velero-data-abc'; 'pv.kubernetes.io/bind-completed' = 'yes' } }
            spec = @{ accessModes = @('ReadWriteOnce'); storageClassName = 'gp2'; volumeName = 'pvc-1111'; resources = @{ requests = @{ storage = '1Gi' } } }
            status = @{ phase = 'Bound' }
        }
        $items['persistentvolumeclaims|shop|cache|v1'] = @{
            apiVersion = 'v1'; kind = 'PersistentVolumeClaim'
            metadata = @{ name = 'cache'; namespace = 'shop'; annotations = @{ 'velero.io/volume-snapshot-name' = 'velero-cache-xyz' } }
            spec = @{ accessModes = @('ReadWriteOnce'); storageClassName = 'standard'; volumeName = 'pvc-2222'; resources = @{ requests = @{ storage = '1Gi' } } }
            status = @{ phase = 'Bound' }
        }
        $items['volumesnapshots.snapshot.storage.k8s.io|shop|velero-data-abc|v1'] = @{
            apiVersion = 'snapshot.storage.k8s.io/v1'; kind = 'VolumeSnapshot'
            metadata = @{ name = 'velero-data-abc'; namespace = 'shop'; uid = 'vs-uid-1' }
            spec = @{ source = @{ persistentVolumeClaimName = 'data' }; volumeSnapshotClassName = 'csi-snapclass' }
            status = @{ boundVolumeSnapshotContentName = 'snapcontent-1'; readyToUse = $true }
        }
        $items['volumesnapshots.snapshot.storage.k8s.io|shop|velero-cache-xyz|v1'] = @{
            apiVersion = 'snapshot.storage.k8s.io/v1'; kind = 'VolumeSnapshot'
            metadata = @{ name = 'velero-cache-xyz'; namespace = 'shop' }
            spec = @{ source = @{ persistentVolumeClaimName = 'cache' } }
            status = @{ boundVolumeSnapshotContentName = 'snapcontent-gone'; readyToUse = $true }
        }
        $items['volumesnapshotcontents.snapshot.storage.k8s.io|cluster|snapcontent-1|v1'] = @{
            apiVersion = 'snapshot.storage.k8s.io/v1'; kind = 'VolumeSnapshotContent'
            metadata = @{ name = 'snapcontent-1' }
            spec = @{
                driver = 'hostpath.csi.k8s.io'; deletionPolicy = 'Delete'; source = @{ volumeHandle = 'vol-1' }
                volumeSnapshotClassName = 'csi-snapclass'
                volumeSnapshotRef = @{ kind = 'VolumeSnapshot'; namespace = 'shop'; name = 'velero-data-abc'; uid = 'vs-uid-1' }
            }
            status = @{ snapshotHandle = 'snap-handle-42'; readyToUse = $true }
        }
        $items['deployments.apps|shop|web|v1'] = @{
            apiVersion = 'apps/v1'; kind = 'Deployment'
            metadata = @{ name = 'web'; namespace = 'shop'; labels = @{ app = 'web' } }
            spec = @{
                replicas = 2; selector = @{ matchLabels = @{ app = 'web' } }
                template = @{ metadata = @{ labels = @{ app = 'web' } }; spec = @{ containers = @(@{ name = 'web'; image = 'registry.old.example/web:1' }) } }
            }
        }
        $items['customresourcedefinitions.apiextensions.k8s.io|cluster|rockbands.music.example.io|v1'] = (Get-RockbandCrd)
        $band = @{ kind = 'RockBand'; metadata = @{ name = 'beatles'; namespace = 'shop' }; spec = @{ members = 4 } }

        $files = [ordered]@{}
        foreach ($key in $items.Keys) {
            $resource, $scope, $itemName, $version = $key -split '\|'
            $where = if ($scope -eq 'cluster') { 'cluster' } else { "namespaces/$scope" }
            $json = $items[$key] | ConvertTo-Json -Depth 20 -Compress
            $files["resources/$resource/$where/$itemName.json"] = $json
            $files["resources/$resource/$version-preferredversion/$where/$itemName.json"] = $json
        }
        $band['apiVersion'] = 'music.example.io/v2beta1'
        $old = $band | ConvertTo-Json -Depth 10 -Compress
        $files['resources/rockbands.music.example.io/namespaces/shop/beatles.json'] = $old
        $files['resources/rockbands.music.example.io/v2beta1-preferredversion/namespaces/shop/beatles.json'] = $old
        $band['apiVersion'] = 'music.example.io/v2beta2'
        $files['resources/rockbands.music.example.io/v2beta2/namespaces/shop/beatles.json'] = $band | ConvertTo-Json -Depth 10 -Compress
        $count = $items.Count + 1
        Write-TestBackup -StorageLocation $StorageLocation -Name $Name -File $files -EditMetadata {
            param($metadata)
            Set-TestBackupScope -Metadata $metadata -Namespace shop -Items $count
        }
    }

    function Get-RockbandCrd {
        $schema = @{ openAPIV3Schema = @{ type = 'object'; 'x-kubernetes-preserve-unknown-fields' = $true } }
        @{
            apiVersion = 'apiextensions.k8s.io/v1'; kind = 'CustomResourceDefinition'
            metadata = @{ name = 'rockbands.music.example.io' }
            spec = @{
                group = 'music.example.io'; scope = 'Namespaced'
                names = @{ plural = 'rockbands'; singular = 'rockband'; kind = 'RockBand'; listKind = 'RockBandList' }
                versions = @(
                    @{ name = 'v2beta2'; served = $true; storage = $true; schema = $schema },
                    @{ name = 'v2beta1'; served = $true; storage = $false; schema = $schema })
            }
        }
    }

    function Set-TestObject([string] $KubeConfig, [hashtable] $Object) {
        $path = Join-Path -Path $TestDrive -ChildPath ('object-{0}.json' -f [guid]::NewGuid().ToString('N'))
        $Object | ConvertTo-Json -Depth 20 | Set-Content -LiteralPath $path -Encoding utf8
        $null = Invoke-TestKubectl -KubeConfig $KubeConfig -Arguments @('apply', '-f', $path)
    }

    function New-PluginConfigMap([string] $Name, [string] $Namespace, [string] $Plugin, [hashtable] $Data) {
        @{
            apiVersion = 'v1'; kind = 'ConfigMap'
            metadata = @{ name = $Name; namespace = $Namespace; labels = @{ 'velero.io/plugin-config' = ''; $Plugin = 'RestoreItemAction' } }
            data = $Data
        }
    }

    $script:kubectlMissing = -not (Get-TestKubectlPath)
    $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
    New-CsiTestBackup -StorageLocation $store -Name 'csi'
}

AfterAll {
    Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
}

Describe 'CSI snapshot volumes' {
    BeforeAll {
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'csi-kubeconfig'
        $server = Start-TestApiServer -KubeConfig $kubeconfig -ExtraArguments '--snapshot-crds'
        $scope = @{ StorageLocation = $store; KubeConfig = $kubeconfig; ExcludeResource = 'deployments.apps', 'rockbands.music.example.io', 'customresourcedefinitions' }
    }

    AfterAll {
        Stop-TestApiServer -Process $server
    }

    It 'says in the plan which content is created from which handle, and which claim needs the Velero server' {
        $plan = @(Get-RestorePlan -Backup csi @scope -WarningVariable planWarnings -WarningAction SilentlyContinue)

        $data = $plan | Where-Object { $_.Resource -eq 'persistentvolumeclaims' -and $_.Name -eq 'data' }
        $data.Action | Should -Be 'Create'
        ($data.Notes -join "`n") | Should -Match 'VolumeSnapshotContent [0-9a-f]{64} is created from snapshot handle snap-handle-42 of driver hostpath\.csi\.k8s\.io'
        $content = $plan | Where-Object { $_.Resource -eq 'volumesnapshotcontents.snapshot.storage.k8s.io' -and $_.Name -eq 'snapcontent-1' -and $_.Action -eq 'Create' }
        ($content.Notes -join "`n") | Should -Match 'pre-provisioned from snapshot handle snap-handle-42 of driver hostpath\.csi\.k8s\.io, bound to VolumeSnapshot shop/'
        $cache = $plan | Where-Object { $_.Resource -eq 'persistentvolumeclaims' -and $_.Name -eq 'cache' }
        ($cache.Notes -join "`n") | Should -Match 'needs the Velero server \(New-Restore -Server\)'
        ($cache.Warnings -join "`n") | Should -Match 'VolumeSnapshotContent snapcontent-gone is not in the backup tarball'
        # Content before snapshot before claim.
        $order = { param($r, $n) ($plan | Where-Object { $_.Resource -eq $r -and $_.Name -eq $n -and $_.Action -eq 'Create' } | Select-Object -First 1).Order }
        (& $order 'volumesnapshotcontents.snapshot.storage.k8s.io' 'snapcontent-1') | Should -BeLessThan (& $order 'volumesnapshots.snapshot.storage.k8s.io' 'velero-data-abc')
        (& $order 'volumesnapshots.snapshot.storage.k8s.io' 'velero-data-abc') | Should -BeLessThan (& $order 'persistentvolumeclaims' 'data')
    }

    It 'creates the content from the handle, binds the snapshot to it and points the claim at the snapshot' {
        $restore = New-Restore -Backup csi @scope -Name csi-one -WarningVariable runWarnings -WarningAction SilentlyContinue

        $restore.Phase | Should -Be 'Completed'
        ($runWarnings -join "`n") | Should -Match 'claim shop/cache: .*snapcontent-gone is not in the backup tarball.*New-Restore -Server'
        if ($script:kubectlMissing) { Set-ItResult -Skipped -Because 'kubectl is not on PATH'; return }

        $contents = @((Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'volumesnapshotcontents') -Json).items)
        $contents.Count | Should -Be 1
        $content = $contents[0]
        $content.metadata.name | Should -Match '^[0-9a-f]{64}$'
        $content.spec.source.snapshotHandle | Should -Be 'snap-handle-42'
        $content.spec.driver | Should -Be 'hostpath.csi.k8s.io'
        $content.spec.deletionPolicy | Should -Be 'Retain'
        $content.spec.volumeSnapshotRef.namespace | Should -Be 'shop'
        $content.spec.volumeSnapshotRef.name | Should -Be $content.metadata.name
        $snapshot = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'volumesnapshot', $content.metadata.name, '-n', 'shop') -Json
        $snapshot.spec.source.volumeSnapshotContentName | Should -Be $content.metadata.name
        $claim = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'pvc', 'data', '-n', 'shop') -Json
        $claim.spec.dataSource.kind | Should -Be 'VolumeSnapshot'
        $claim.spec.dataSource.apiGroup | Should -Be 'snapshot.storage.k8s.io'
        $claim.spec.dataSource.name | Should -Be $content.metadata.name
        $cache = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'pvc', 'cache', '-n', 'shop') -Json
        $cache.spec.PSObject.Properties.Name | Should -Not -Contain 'dataSource'
    }
}

Describe "Velero's plugin ConfigMaps" {
    BeforeAll {
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'plugins-kubeconfig'
        $server = Start-TestApiServer -KubeConfig $kubeconfig -ExtraArguments '--snapshot-crds'
        $scope = @{ StorageLocation = $store; KubeConfig = $kubeconfig; IncludeResource = 'deployments.apps', 'persistentvolumeclaims'; RestoreVolumes = $false }
        if (-not $script:kubectlMissing) {
            foreach ($ns in 'velero', 'velero-system') {
                Set-TestObject $kubeconfig @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = $ns } }
            }
            foreach ($class in 'gp3', 'fast', 'other') {
                Set-TestObject $kubeconfig @{ apiVersion = 'storage.k8s.io/v1'; kind = 'StorageClass'; metadata = @{ name = $class }; provisioner = 'example.com/x' }
            }
            Set-TestObject $kubeconfig (New-PluginConfigMap 'storage-classes' 'velero' 'velero.io/change-storage-class' @{ gp2 = 'gp3'; standard = 'fast' })
            Set-TestObject $kubeconfig (New-PluginConfigMap 'images' 'velero' 'velero.io/change-image-name' @{ case1 = 'registry.old.example,registry.cm.example' })
            Set-TestObject $kubeconfig (New-PluginConfigMap 'elsewhere' 'velero-system' 'velero.io/change-storage-class' @{ gp2 = 'other' })
        }
    }

    AfterAll {
        Stop-TestApiServer -Process $server
    }

    It 'applies them, lets the parameters override them key by key, and names each one in the log' {
        if ($script:kubectlMissing) { Set-ItResult -Skipped -Because 'kubectl installs the ConfigMaps'; return }

        $restore = New-Restore -Backup csi @scope -Name plugins-one -NamespaceMapping @{ shop = 'shop-a' } -StorageClassMapping @{ standard = 'gp3' } -WarningAction SilentlyContinue

        $restore.Phase | Should -Be 'Completed'
        (Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'pvc', 'data', '-n', 'shop-a') -Json).spec.storageClassName | Should -Be 'gp3'
        (Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'pvc', 'cache', '-n', 'shop-a') -Json).spec.storageClassName | Should -Be 'gp3'
        (Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'deployment', 'web', '-n', 'shop-a') -Json).spec.template.spec.containers[0].image | Should -Be 'registry.cm.example/web:1'
        $log = (Get-RestoreLog -Name plugins-one -StorageLocation $store | ForEach-Object Message) -join "`n"
        $log | Should -Match ([regex]::Escape('velero/storage-classes (velero.io/change-storage-class)'))
        $log | Should -Match ([regex]::Escape('velero/images (velero.io/change-image-name)'))
    }

    It 'overrides an image rule by its old part' {
        if ($script:kubectlMissing) { Set-ItResult -Skipped -Because 'kubectl installs the ConfigMaps'; return }

        $restore = New-Restore -Backup csi @scope -Name plugins-two -NamespaceMapping @{ shop = 'shop-b' } -ImageMapping @{ 'registry.old.example' = 'registry.param.example' } -WarningAction SilentlyContinue

        $restore.Phase | Should -Be 'Completed'
        (Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'deployment', 'web', '-n', 'shop-b') -Json).spec.template.spec.containers[0].image | Should -Be 'registry.param.example/web:1'
    }

    It 'reads them from -VeleroNamespace' {
        if ($script:kubectlMissing) { Set-ItResult -Skipped -Because 'kubectl installs the ConfigMaps'; return }

        $plan = @(Get-RestorePlan -Backup csi @scope -NamespaceMapping @{ shop = 'shop-c' } -VeleroNamespace velero-system -WarningAction SilentlyContinue)
        $restore = New-Restore -Backup csi @scope -Name plugins-three -NamespaceMapping @{ shop = 'shop-c' } -VeleroNamespace velero-system -WarningAction SilentlyContinue

        $restore.Phase | Should -Be 'Completed'
        ($plan | Where-Object { $_.Resource -eq 'persistentvolumeclaims' -and $_.Name -eq 'data' }).Action | Should -Be 'Create'
        (Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'pvc', 'data', '-n', 'shop-c') -Json).spec.storageClassName | Should -Be 'other'
        (Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'deployment', 'web', '-n', 'shop-c') -Json).spec.template.spec.containers[0].image | Should -Be 'registry.old.example/web:1'
    }

    It 'rejects a -VeleroNamespace that is not a namespace name' {
        { New-Restore -Backup csi @scope -VeleroNamespace 'Not_A_Namespace' -ErrorAction Stop } | Should -Throw -ErrorId 'NewRestoreInvalidArgument*'
    }
}

Describe 'A resource modifier ConfigMap manifest file' {
    It 'is read like the rules file, in folder mode too' {
        $rules = Join-Path -Path $TestDrive -ChildPath 'modifier-configmap.yaml'
        Set-Content -LiteralPath $rules -Encoding utf8 -Value @'
apiVersion: v1
kind: ConfigMap
metadata:
  name: restore-rules
  namespace: velero
data:
  rules.yaml: |
    version: v1
    resourceModifierRules:
    - conditions:
        groupResource: deployments.apps
        resourceNameRegex: "^web$"
      patches:
      - operation: replace
        path: "/spec/replicas"
        value: "1"
'@
        $out = Join-Path -Path $TestDrive -ChildPath 'modified'

        $restore = New-Restore -Backup csi -StorageLocation $store -ToDirectory $out -IncludeResource deployments.apps -ResourceModifier $rules -Name modifier-file -WarningAction SilentlyContinue

        $restore.Phase | Should -Be 'Completed'
        $written = Get-ChildItem -LiteralPath $out -Recurse -File | Where-Object { (Get-Content -LiteralPath $_.FullName -Raw) -match 'kind: Deployment' } | Select-Object -First 1
        (Get-Content -LiteralPath $written.FullName -Raw) | Should -Match 'replicas: 1\b'
    }

    It 'names the file''s problem when the ConfigMap holds more than one entry' {
        $rules = Join-Path -Path $TestDrive -ChildPath 'two-entries.yaml'
        Set-Content -LiteralPath $rules -Encoding utf8 -Value "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: two`n  namespace: velero`ndata:`n  a: x`n  b: y`n"

        { New-Restore -Backup csi -StorageLocation $store -ToDirectory (Join-Path $TestDrive 'two') -ResourceModifier $rules -ErrorAction Stop } | Should -Throw '*exactly one is required*'
    }
}

Describe 'API group versions as parameters' {
    BeforeAll {
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'versions-kubeconfig'
        # VolumeSnapshotContents are must-have resources: they pass -IncludeResource, so the cluster needs their CRD.
        $server = Start-TestApiServer -KubeConfig $kubeconfig -ExtraArguments '--snapshot-crds'
        $scope = @{ StorageLocation = $store; KubeConfig = $kubeconfig; IncludeResource = 'rockbands.music.example.io' }
        if (-not $script:kubectlMissing) {
            Set-TestObject $kubeconfig (Get-RockbandCrd)
            Set-TestObject $kubeconfig @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = 'velero' } }
        }
        function Get-BandVersion([object[]] $Plan) {
            ($Plan | Where-Object { $_.Resource -eq 'rockbands.music.example.io' -and $_.Name -eq 'beatles' }).ApiVersion
        }
    }

    AfterAll {
        Stop-TestApiServer -Process $server
    }

    It 'keeps the stored version without -EnableApiGroupVersions, and takes the priority hashtable, overriding the ConfigMap' {
        if ($script:kubectlMissing) { Set-ItResult -Skipped -Because 'kubectl installs the CRD'; return }

        Get-BandVersion @(Get-RestorePlan -Backup csi @scope -WarningAction SilentlyContinue) | Should -Be 'music.example.io/v2beta1'
        Get-BandVersion @(Get-RestorePlan -Backup csi @scope -EnableApiGroupVersions -WarningAction SilentlyContinue) | Should -Be 'music.example.io/v2beta2'

        Set-TestObject $kubeconfig @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'enableapigroupversions'; namespace = 'velero' }; data = @{ restoreResourcesVersionPriority = "rockbands.music.example.io=v2beta1`n" } }
        Get-BandVersion @(Get-RestorePlan -Backup csi @scope -EnableApiGroupVersions -WarningVariable fromConfigMap -WarningAction SilentlyContinue) | Should -Be 'music.example.io/v2beta1'
        ($fromConfigMap -join "`n") | Should -Match 'rockbands\.music\.example\.io is restored at v2beta1 \(rule 0'

        $plan = @(Get-RestorePlan -Backup csi @scope -ApiGroupVersionPriority @{ 'rockbands.music.example.io' = 'v2beta2', 'v2beta1' } -WarningVariable fromParameter -WarningAction SilentlyContinue)
        Get-BandVersion $plan | Should -Be 'music.example.io/v2beta2'
        ($fromParameter -join "`n") | Should -Match 'rockbands\.music\.example\.io is restored at v2beta2 \(rule 0'
    }

    It 'restores at the chosen version' {
        if ($script:kubectlMissing) { Set-ItResult -Skipped -Because 'kubectl installs the CRD'; return }

        $restore = New-Restore -Backup csi @scope -Name versions-one -ApiGroupVersionPriority @{ 'rockbands.music.example.io' = 'v2beta2' } -WarningAction SilentlyContinue

        $restore.Phase | Should -Be 'Completed'
        $item = Get-RestoreItem -Name versions-one -StorageLocation $store | Where-Object { $_.Name -eq 'beatles' }
        $item.ApiVersion | Should -Be 'music.example.io/v2beta2'
        (Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'rockbands.v2beta2.music.example.io', 'beatles', '-n', 'shop') -Json).spec.members | Should -Be 4
    }

    It 'rejects a version that is not an API version' {
        { Get-RestorePlan -Backup csi @scope -ApiGroupVersionPriority @{ 'rockbands.music.example.io' = 'latest' } -ErrorAction Stop } | Should -Throw '*is not an API version*'
    }
}
