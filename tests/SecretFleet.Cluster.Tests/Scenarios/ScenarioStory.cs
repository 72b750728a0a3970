namespace SecretFleet.Cluster.Tests.Scenarios;

/// <summary>
/// Runs the scenario's steps in order; a failing step fails the test naming the step, the backend, what the
/// SecretCluster and its pods looked like and what the operator said last.
/// </summary>
internal sealed class ScenarioStory(IScenarioBackend backend, ScenarioCluster cluster, CancellationToken cancellationToken)
{
    public async Task StepAsync(string step, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            string state;
            string log;
            try
            {
                state = await cluster.DescribeAsync(await cluster.GetAsync(cancellationToken), cancellationToken);
                log = await backend.OperatorLogAsync(cancellationToken);
            }
            catch (Exception describe) when (describe is not OperationCanceledException)
            {
                (state, log) = ($"(could not read the cluster: {describe.Message})", "");
            }

            throw new InvalidOperationException(
                $"Scenario step '{step}' failed on the {backend.Name} backend: {e.Message}\n--- cluster\n{state}\n--- operator (last lines)\n{Tail(log, 40)}", e);
        }
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));
}
