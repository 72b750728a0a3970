// Real fleets are processes on 2 shared cores: one collection at a time keeps them responsive.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// Local fleets are Unix processes (setsid, /proc, file modes); the suite runs on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
