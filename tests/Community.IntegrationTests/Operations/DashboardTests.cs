using System.Net;
using System.Net.Http.Headers;

namespace Community.IntegrationTests.Operations;

/// <summary>The Orleans dashboard at /dashboard: open in Development, behind authorization anywhere else.</summary>
[Collection(OperationsCollection.Name)]
public sealed class DashboardTests(OperationsFixture hosts)
{
    [Fact]
    public async Task In_development_the_dashboard_answers_without_a_token()
    {
        using var anonymous = await hosts.Development.ClientAsync(null);

        var page = await anonymous.GetAsync("/dashboard/");
        var stats = await anonymous.GetAsync("/dashboard/ClusterStats");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
    }

    [Fact]
    public async Task Elsewhere_anonymous_callers_are_refused_and_only_dashboard_users_get_in()
    {
        using var anonymous = await hosts.Production.ClientAsync(null);
        using var someone = await hosts.Production.ClientAsync(Infrastructure.ClusterFixture.Unique("fan"));
        using var admin = await hosts.Production.ClientAsync(OperationsFixture.DashboardUser);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/ClusterStats")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await someone.GetAsync("/dashboard/ClusterStats")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/dashboard/ClusterStats")).StatusCode);
        Assert.NotNull(admin.DefaultRequestHeaders.Authorization as AuthenticationHeaderValue);
    }
}
