namespace SecretFleet.KubeEmulator;

/// <summary>A resource independent of version: <c>statefulsets.apps</c>, <c>configmaps</c> (core group is "").</summary>
internal readonly record struct GroupResource(string Group, string Resource)
{
    public override string ToString() => Group.Length == 0 ? Resource : $"{Resource}.{Group}";
}
