#Requires -Version 7.0
# Restore hooks (issue #15) through the cmdlets: a backup with annotated pods restored into the test API server, whose
# pods run and whose pods/exec answers are scripted; init containers in the pod kubectl reads back, exec hooks counted
# in the record and logged, onError Fail making the restore PartiallyFailed, and a folder restore warning per exec hook.

Describe 'Restore hooks' {
    BeforeAll {
        . (Join-Path -Path $PSScriptRoot -ChildPath 'RestoreTestHelpers.ps1')
        . (Join-Path -Path $PSScriptRoot -ChildPath 'LifecycleTestHelpers.ps1')
        Import-Module -Name (Get-RestoreManifestPath) -Force -ErrorAction Stop

        function Add-TestBackupWithPods {
            <#
            .SYNOPSIS
                Copies the sample backup as <Name> and adds pods to its tarball (both the resource and the preferred-version
                paths, as Velero writes them).
            #>
            param(
                [Parameter(Mandatory)] [string] $StorageLocation,
                [Parameter(Mandatory)] [string] $Name,
                [Parameter(Mandatory)] [hashtable[]] $Pods
            )

            $from = Join-Path -Path $StorageLocation -ChildPath 'backups/sample'
            $to = Join-Path -Path $StorageLocation -ChildPath "backups/$Name"
            $null = New-Item -ItemType Directory -Path $to -Force
            foreach ($file in Get-ChildItem -LiteralPath $from -File) {
                $target = if ($file.Name -eq 'velero-backup.json') { $file.Name } else { $file.Name -replace '^sample', $Name }
                if ($file.Name -ne 'sample.tar.gz') {
                    Copy-Item -LiteralPath $file.FullName -Destination (Join-Path -Path $to -ChildPath $target)
                }
            }

            $metadataPath = Join-Path -Path $to -ChildPath 'velero-backup.json'
            $backup = [System.Text.Json.Nodes.JsonNode]::Parse((Get-Content -LiteralPath $metadataPath -Raw))
            $backup['metadata']['name'] = [System.Text.Json.Nodes.JsonValue]::Create($Name)
            Set-Content -LiteralPath $metadataPath -Value $backup.ToJsonString() -Encoding utf8

            # Every entry of the sample tarball, then the pods.
            $source = [System.IO.File]::OpenRead((Join-Path -Path $from -ChildPath 'sample.tar.gz'))
            $output = [System.IO.File]::Create((Join-Path -Path $to -ChildPath "$Name.tar.gz"))
            try {
                $gunzip = [System.IO.Compression.GZipStream]::new($source, [System.IO.Compression.CompressionMode]::Decompress)
                $gzip = [System.IO.Compression.GZipStream]::new($output, [System.IO.Compression.CompressionLevel]::Optimal)
                $reader = [System.Formats.Tar.TarReader]::new($gunzip)
                $writer = [System.Formats.Tar.TarWriter]::new($gzip, [System.Formats.Tar.TarEntryFormat]::Pax, $false)
                while ($null -ne ($entry = $reader.GetNextEntry($true))) {
                    $writer.WriteEntry($entry)
                }
                foreach ($pod in $Pods) {
                    $json = [System.Text.Encoding]::UTF8.GetBytes(($pod | ConvertTo-Json -Depth 20 -Compress))
                    foreach ($path in "resources/pods/namespaces/demo/$($pod.metadata.name).json", "resources/pods/v1-preferredversion/namespaces/demo/$($pod.metadata.name).json") {
                        $item = [System.Formats.Tar.PaxTarEntry]::new([System.Formats.Tar.TarEntryType]::RegularFile, $path)
                        $item.DataStream = [System.IO.MemoryStream]::new($json)
                        $writer.WriteEntry($item)
                    }
                }
                $writer.Dispose()
                $gzip.Dispose()
                $reader.Dispose()
                $gunzip.Dispose()
            }
            finally {
                $output.Dispose()
                $source.Dispose()
            }
        }

        function New-TestPod {
            param([string] $Name, [hashtable] $Annotations)
            @{
                apiVersion = 'v1'
                kind       = 'Pod'
                metadata   = @{ name = $Name; namespace = 'demo'; labels = @{ app = $Name }; annotations = $Annotations }
                spec       = @{
                    containers     = @(@{ name = 'app'; image = 'busybox:1.36' })
                    initContainers = @(@{ name = 'own-init'; image = 'busybox:1.36' })
                }
                status     = @{ phase = 'Running' }
            }
        }

        $store = New-TestStorageLocation -Path (Join-Path -Path $TestDrive -ChildPath 'store')
        Add-TestBackupWithPods -StorageLocation $store -Name hooks -Pods @(
            (New-TestPod -Name db -Annotations @{
                'init.hook.restore.velero.io/container-image' = 'busybox:1.36'
                'init.hook.restore.velero.io/container-name'  = 'restore-hook'
                'init.hook.restore.velero.io/command'         = '["/bin/sh", "-c", "date"]'
                'post.hook.restore.velero.io/command'         = '["/bin/sh", "-c", "migrate --all"]'
            }),
            (New-TestPod -Name cache -Annotations @{
                'post.hook.restore.velero.io/command'  = '["check-cache"]'
                'post.hook.restore.velero.io/on-error' = 'Fail'
            })
        )
        $kubeconfig = Join-Path -Path $TestDrive -ChildPath 'kubeconfig'
        # Pods run 300 ms after they are created; two scripted commands: one that works, one that fails with exit code 4.
        $server = Start-TestApiServer -KubeConfig $kubeconfig -ExtraArguments @(
            '--pod-running-ms', '300',
            '--exec', '{"match":"migrate","stdout":"migrated 3 tables\n"}',
            '--exec', '{"match":"check-cache","stderr":"cache is cold\n","exitCode":4}')
        $scope = @{ StorageLocation = $store; KubeConfig = $kubeconfig; IncludeNamespace = 'demo' }
    }

    AfterAll {
        Stop-TestApiServer -Process $server
        Remove-Module -Name Restore -Force -ErrorAction SilentlyContinue
    }

    Context 'a pod with an init hook and an exec hook' {
        BeforeAll {
            $restore = New-Restore hooks -Name hooks-db @scope -IncludeResource pods, namespaces -LabelSelector 'app=db' -ErrorVariable failures -ErrorAction SilentlyContinue
        }

        It 'completes with one hook attempted and none failed' {
            @($failures).Count | Should -Be 0
            $restore.Phase | Should -Be 'Completed'
            ($restore.HooksAttempted, $restore.HooksFailed) | Should -Be @(1, 0)
            $stored = Get-Restore -Name hooks-db -StorageLocation $store
            ($stored.HooksAttempted, $stored.HooksFailed) | Should -Be @(1, 0)
        }

        It 'keeps Velero''s hookStatus in the record' {
            $record = Get-Content -LiteralPath (Join-Path -Path $store -ChildPath 'restores/hooks-db/restore-hooks-db-record.json') -Raw | ConvertFrom-Json
            $record.status.hookStatus.hooksAttempted | Should -Be 1
            $record.status.hookStatus.hooksFailed | Should -Be 0
        }

        It 'puts the annotation''s init container first in the restored pod' {
            if (-not (Get-TestKubectlPath)) { Set-ItResult -Skipped -Because 'kubectl is not on PATH: the pod is read back as an admin would, with kubectl get pod -o json' }
            $pod = Invoke-TestKubectl -KubeConfig $kubeconfig -Arguments @('get', 'pod', 'db', '-n', 'demo') -Json

            @($pod.spec.initContainers.name) | Should -Be @('restore-hook', 'own-init')
            @($pod.spec.initContainers[0].command) | Should -Be @('/bin/sh', '-c', 'date')
            $pod.spec.initContainers[0].image | Should -Be 'busybox:1.36'
        }

        It 'logs the command, container, exit code and output of the hook' {
            $lines = @(Get-RestoreLog -Name hooks-db -StorageLocation $store | Where-Object Message -EQ 'Exec hook succeeded')

            $lines.Count | Should -Be 1
            $lines[0].Fields['pod'] | Should -Be 'db'
            $lines[0].Fields['container'] | Should -Be 'app'
            $lines[0].Fields['command'] | Should -Be '/bin/sh -c migrate --all'
            $lines[0].Fields['exitCode'] | Should -Be '0'
            $lines[0].Fields['stdout'] | Should -Be 'migrated 3 tables'
            @(Get-RestoreLog -Name hooks-db -StorageLocation $store | Where-Object Message -EQ 'Running exec hook').Count | Should -Be 1
        }
    }

    Context 'a hook that fails with on-error Fail' {
        BeforeAll {
            $restore = New-Restore hooks -Name hooks-cache @scope -IncludeResource pods, namespaces -LabelSelector 'app=cache' -ErrorVariable failures -ErrorAction SilentlyContinue
        }

        It 'ends PartiallyFailed with a NewRestorePartiallyFailed error' {
            $restore.Phase | Should -Be 'PartiallyFailed'
            @($failures | Where-Object { $_.FullyQualifiedErrorId -like 'NewRestorePartiallyFailed,*' }).Count | Should -Be 1
        }

        It 'counts the hook failed and names the pod in the error' {
            ($restore.HooksAttempted, $restore.HooksFailed) | Should -Be @(1, 1)
            $restore.Errors | Should -Be 1
            $restore.FailureReason | Should -BeLike '*hook <from-annotation> in container app in pod demo/cache failed to execute: command terminated with exit code 4*'
        }

        It 'logs the failed hook with its stderr' {
            $line = @(Get-RestoreLog -Name hooks-cache -StorageLocation $store | Where-Object Message -EQ 'Exec hook failed')
            $line.Count | Should -Be 1
            ($line[0].Fields['exitCode'], $line[0].Fields['stderr']) | Should -Be @('4', 'cache is cold')
        }
    }

    Context 'the plan' {
        It 'names the init containers and the exec hook of the pod' {
            $line = Get-RestorePlan hooks -StorageLocation $store -KubeConfig $kubeconfig -IncludeNamespace demo -IncludeResource pods -LabelSelector 'app=db' | Where-Object Name -EQ 'db'

            $line.Notes | Should -Contain 'restore hook init container(s) restore-hook added from the pod''s init.hook.restore.velero.io annotations'
            $line.Notes | Should -Contain 'post-restore exec annotation hook in container app: /bin/sh -c migrate --all (runs once the container is running; onError Continue)'
        }
    }

    Context 'a restore into a folder' {
        BeforeAll {
            $folder = Join-Path -Path $TestDrive -ChildPath 'manifests'
            $restore = New-Restore hooks -Name hooks-folder -StorageLocation $store -ToDirectory $folder -IncludeNamespace demo -IncludeResource pods -WarningVariable warnings -WarningAction SilentlyContinue
        }

        It 'warns once per exec hook that it was not run, and runs none' {
            $restore.Phase | Should -Be 'Completed'
            $restore.HooksAttempted | Should -Be 0
            $notRun = @($warnings | Where-Object Message -Like '*not run for pod*')
            $notRun.Count | Should -Be 2
            $notRun.Message | Should -Contain 'post-restore exec annotation hook in container app: check-cache not run for pod demo/cache: a restore into a folder starts no pods; run it after applying the manifests [namespace=demo]'
        }

        It 'writes the pod with the hook''s init container first' {
            $file = Get-ChildItem -LiteralPath $folder -Recurse -Filter '*-db.yaml' | Select-Object -First 1
            $yaml = Get-Content -LiteralPath $file.FullName -Raw
            $yaml.IndexOf('name: restore-hook') | Should -BeGreaterThan -1
            $yaml.IndexOf('name: restore-hook') | Should -BeLessThan $yaml.IndexOf('name: own-init')
        }
    }
}
