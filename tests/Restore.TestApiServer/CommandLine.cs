using System;
using System.Collections.Generic;
using System.Globalization;

namespace Restore.TestApiServer;

/// <summary>Command-line settings of the standalone server; every knob has a flag.</summary>
public sealed class CommandLine
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        Usage: Restore.TestApiServer [options]
          --port <n>                     port on 127.0.0.1 (default: a free port)
          --kubeconfig <path>            write a kubeconfig (contexts <cluster>-token and <cluster>-cert)
          --context token|cert           current context of the kubeconfig (default token)
          --namespace <ns>               namespace of the kubeconfig contexts
          --cluster-name <name>          cluster name in the kubeconfig (default restore-test)
          --token <token>                bearer token (default: random)
          --version <gitVersion>         version /version reports (default v1.32.4)
          --latency-ms <n>               latency added to every request
          --latency-jitter-ms <n>        random extra latency 0..n
          --fail <code>[:rate[:retryAfter[:verb[:resource]]]]
                                         fail requests with a status (repeatable), e.g. --fail 503:0.1:2
                                         or --fail 429:0.2:1:create:configmaps
          --reset-rate <rate>            abort this fraction of connections
          --hang-rate <rate>             hold this fraction of requests (see --hang-ms)
          --hang-ms <n>                  how long held requests wait (default: until the client gives up)
          --faults-include-discovery     let faults hit discovery and OpenAPI requests too
          --forbid <resource>[:verb[:namespace]]  answer 403 as RBAC would (repeatable)
          --namespace-termination-ms <n> how long deleted namespaces stay Terminating
          --crd-establish-ms <n>         delay before a new CRD is Established
          --seed <n>                     random seed for fault rates
          --velero-crds                  preinstall the velero.io CRDs
          --velero-standin               run the Velero stand-in: Velero's real CRDs, namespace velero, a restore
                                         controller that runs Restores and writes Velero's files (VeleroStandIn.cs)
          --velero-folder-root <dir>     stand-in: BSLs without config.s3Url live in <dir>/<bucket>/<prefix>
          --velero-item-delay-ms <n>     stand-in: time per restored item (default 20)
          --snapshot-crds                preinstall the snapshot.storage.k8s.io CRDs
          --no-defaults                  no default namespaces, kubernetes service or default service accounts
          --anonymous                    requests without credentials run as system:anonymous (else 401)
          --no-http2                     offer HTTP/1.1 only
          --journal <path>               write the request journal as JSON lines on exit
          --pod-running-ms <n>           created pods run after n ms (default: they stay Pending)
          --pod-ready-ms <n>             running pods are Ready n ms after creation (default: when running)
          --exec <json>                  scripted pods/exec answer (repeatable), e.g.
                                         {"match":"migrate","stdout":"ok","exitCode":0,"delayMs":100}
        """;

    /// <summary>Server options.</summary>
    public TestApiServerOptions Options { get; } = new();

    /// <summary>Where to write the kubeconfig, if anywhere.</summary>
    public string? KubeconfigPath { get; private set; }

    /// <summary>Current context of the kubeconfig.</summary>
    public KubeconfigAuth Context { get; private set; } = KubeconfigAuth.Token;

    /// <summary>Namespace of the kubeconfig contexts.</summary>
    public string? Namespace { get; private set; }

    /// <summary>Where to write the journal on exit.</summary>
    public string? JournalPath { get; private set; }

    /// <summary>True when --help was given.</summary>
    public bool Help { get; private set; }

    /// <summary>Fault rules to install.</summary>
    public List<FaultRule> Faults { get; } = new();

    /// <summary>Forbidden rules to install.</summary>
    public List<ForbidRule> Forbidden { get; } = new();

    /// <summary>Latency.</summary>
    public TimeSpan Latency { get; private set; }

    /// <summary>Latency jitter.</summary>
    public TimeSpan LatencyJitter { get; private set; }

    /// <summary>Faults also hit discovery.</summary>
    public bool FaultsIncludeDiscovery { get; private set; }

    /// <summary>When created pods run.</summary>
    public TimeSpan? PodRunningDelay { get; private set; }

    /// <summary>When running pods are Ready.</summary>
    public TimeSpan? PodReadyDelay { get; private set; }

    /// <summary>Scripted exec answers.</summary>
    public List<ExecScript> ExecScripts { get; } = new();

    /// <summary>Random seed.</summary>
    public int? Seed { get; private set; }

    /// <summary>The Velero stand-in's settings when --velero-standin was given; else null.</summary>
    public VeleroStandInOptions? VeleroStandIn { get; private set; }

    /// <summary>Parses arguments; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new CommandLine();
        double? resetRate = null;
        double? hangRate = null;
        var hangFor = System.Threading.Timeout.InfiniteTimeSpan;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            switch (arg)
            {
                case "--help" or "-h":
                    result.Help = true;
                    break;
                case "--port":
                    result.Options.Port = Int(arg, Value());
                    break;
                case "--kubeconfig":
                    result.KubeconfigPath = Value();
                    break;
                case "--context":
                    result.Context = Value() switch
                    {
                        "token" => KubeconfigAuth.Token,
                        "cert" => KubeconfigAuth.ClientCertificate,
                        var other => throw new ArgumentException($"--context must be token or cert, not '{other}'."),
                    };
                    break;
                case "--namespace":
                    result.Namespace = Value();
                    break;
                case "--cluster-name":
                    result.Options.ClusterName = Value();
                    break;
                case "--token":
                    result.Options.Token = Value();
                    break;
                case "--version":
                    result.Options.KubernetesVersion = Value();
                    break;
                case "--latency-ms":
                    result.Latency = TimeSpan.FromMilliseconds(Int(arg, Value()));
                    break;
                case "--latency-jitter-ms":
                    result.LatencyJitter = TimeSpan.FromMilliseconds(Int(arg, Value()));
                    break;
                case "--fail":
                    var parts = Value().Split(':');
                    result.Faults.Add(new FaultRule
                    {
                        StatusCode = Int(arg, parts[0]),
                        Rate = parts.Length > 1 ? Rate(arg, parts[1]) : 1.0,
                        RetryAfterSeconds = parts.Length > 2 && parts[2].Length > 0 ? Int(arg, parts[2]) : null,
                        Verb = parts.Length > 3 && parts[3].Length > 0 ? parts[3] : null,
                        Resource = parts.Length > 4 && parts[4].Length > 0 ? parts[4] : null,
                    });
                    break;
                case "--reset-rate":
                    resetRate = Rate(arg, Value());
                    break;
                case "--hang-rate":
                    hangRate = Rate(arg, Value());
                    break;
                case "--hang-ms":
                    hangFor = TimeSpan.FromMilliseconds(Int(arg, Value()));
                    break;
                case "--faults-include-discovery":
                    result.FaultsIncludeDiscovery = true;
                    break;
                case "--forbid":
                    var rule = Value().Split(':');
                    result.Forbidden.Add(new ForbidRule
                    {
                        Resource = rule[0],
                        Verb = rule.Length > 1 && rule[1].Length > 0 ? rule[1] : null,
                        Namespace = rule.Length > 2 && rule[2].Length > 0 ? rule[2] : null,
                    });
                    break;
                case "--namespace-termination-ms":
                    result.Options.NamespaceTerminationDelay = TimeSpan.FromMilliseconds(Int(arg, Value()));
                    break;
                case "--crd-establish-ms":
                    result.Options.CrdEstablishDelay = TimeSpan.FromMilliseconds(Int(arg, Value()));
                    break;
                case "--seed":
                    result.Seed = Int(arg, Value());
                    break;
                case "--velero-crds":
                    result.Options.InstallVeleroCrds = true;
                    break;
                case "--velero-standin":
                    result.VeleroStandIn ??= new VeleroStandInOptions();
                    break;
                case "--velero-folder-root":
                    (result.VeleroStandIn ??= new VeleroStandInOptions()).FolderRoot = Value();
                    break;
                case "--velero-item-delay-ms":
                    (result.VeleroStandIn ??= new VeleroStandInOptions()).ItemDelay = TimeSpan.FromMilliseconds(Int(arg, Value()));
                    break;
                case "--snapshot-crds":
                    result.Options.InstallVolumeSnapshotCrds = true;
                    break;
                case "--no-defaults":
                    result.Options.CreateDefaultObjects = false;
                    break;
                case "--anonymous":
                    result.Options.AllowAnonymous = true;
                    break;
                case "--no-http2":
                    result.Options.EnableHttp2 = false;
                    break;
                case "--journal":
                    result.JournalPath = Value();
                    break;
                case "--pod-running-ms":
                    result.PodRunningDelay = TimeSpan.FromMilliseconds(Int(arg, Value()));
                    break;
                case "--pod-ready-ms":
                    result.PodReadyDelay = TimeSpan.FromMilliseconds(Int(arg, Value()));
                    break;
                case "--exec":
                    try
                    {
                        result.ExecScripts.Add(ExecScript.Parse(Value()));
                    }
                    catch (System.Text.Json.JsonException e)
                    {
                        throw new ArgumentException($"--exec needs a JSON object: {e.Message}");
                    }

                    break;
                default:
                    throw new ArgumentException($"Unknown option '{arg}'.");
            }
        }

        if (resetRate is { } reset)
        {
            result.Faults.Add(new FaultRule { Action = FaultAction.ResetConnection, Rate = reset });
        }

        if (hangRate is { } hang)
        {
            result.Faults.Add(new FaultRule { Action = FaultAction.Hang, Rate = hang, HangFor = hangFor });
        }

        return result;
    }

    /// <summary>Applies the runtime knobs to a started server.</summary>
    public void ApplyTo(ServerKnobs knobs)
    {
        knobs.Latency = Latency;
        knobs.LatencyJitter = LatencyJitter;
        knobs.FaultsIncludeDiscovery = FaultsIncludeDiscovery;
        knobs.PodRunningDelay = PodRunningDelay;
        knobs.PodReadyDelay = PodReadyDelay;
        knobs.ExecScripts.AddRange(ExecScripts);
        if (Seed is { } seed)
        {
            knobs.SetRandomSeed(seed);
        }

        foreach (var fault in Faults)
        {
            knobs.AddFault(fault);
        }

        foreach (var rule in Forbidden)
        {
            knobs.Forbid(rule.Resource, rule.Verb, rule.Namespace, rule.User);
        }
    }

    private static int Int(string option, string text)
        => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ArgumentException($"{option} needs a non-negative whole number, not '{text}'.");

    private static double Rate(string option, string text)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1
            ? value
            : throw new ArgumentException($"{option} needs a rate between 0 and 1, not '{text}'.");
}
