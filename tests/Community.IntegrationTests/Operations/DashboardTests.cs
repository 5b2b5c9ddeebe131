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

    [Fact]
    public async Task Elsewhere_a_browser_signs_in_with_a_dashboard_users_token_and_its_cookie_opens_the_dashboard_only()
    {
        var refused = await SignInAsync(await hosts.Production.TokenAsync(Infrastructure.ClusterFixture.Unique("fan")));
        var admitted = await SignInAsync(await hosts.Production.TokenAsync(OperationsFixture.DashboardUser));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, admitted.StatusCode);
        var cookie = Assert.Single(admitted.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);

        using var browser = new HttpClient { BaseAddress = hosts.Production.BaseAddress };
        browser.DefaultRequestHeaders.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard/ClusterStats")).StatusCode);
        // The cookie is the dashboard's: it signs nobody in to the API.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync($"/api/creators/{OperationsFixture.DashboardUser}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard/signin")).StatusCode);
    }

    private async Task<HttpResponseMessage> SignInAsync(string token)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = hosts.Production.BaseAddress };
        return await browser.PostAsync("/dashboard/signin", new FormUrlEncodedContent([new("token", token)]));
    }
}
