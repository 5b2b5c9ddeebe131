using System.Reflection;
using Community.Host.Hubs;

namespace Community.IntegrationTests.Operations;

/// <summary>The hub is not in OpenAPI: docs/api.md's hub tables are checked against CommunityHub's public methods instead.</summary>
public sealed class HubDocsTests
{
    private static readonly MethodInfo[] HubMethods = typeof(CommunityHub)
        .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(CommunityHub))
        .ToArray();

    [Fact]
    public void Docs_api_md_documents_exactly_the_hub_methods_clients_can_call()
    {
        var code = HubMethods.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var documented = ApiDocs.HubMethods.Keys.ToHashSet(StringComparer.Ordinal);

        Assert.True(code.Count > 10, "CommunityHub's methods were not found.");
        Assert.True(code.SetEquals(documented),
            "docs/api.md and CommunityHub disagree.\n  Only in CommunityHub: " + string.Join(", ", code.Except(documented).Order()) +
            "\n  Only in docs/api.md: " + string.Join(", ", documented.Except(code).Order()));
    }

    [Fact]
    public void Each_documented_hub_method_takes_the_parameters_docs_api_md_names_in_that_order()
    {
        foreach (var method in HubMethods.Where(m => ApiDocs.HubMethods.ContainsKey(m.Name)))
        {
            var documented = ApiDocs.HubMethods[method.Name];
            var actual = method.GetParameters().Where(p => p.ParameterType != typeof(CancellationToken)).ToArray();
            Assert.True(documented.Length == actual.Length,
                $"{method.Name}: docs/api.md names {documented.Length} parameters ({string.Join(", ", documented)}), the hub takes {actual.Length}.");
            for (var i = 0; i < actual.Length; i++)
            {
                // An object parameter is documented by its fields ({ action, target, … }); a plain one by its name.
                if (!documented[i].StartsWith('{'))
                {
                    Assert.Equal(actual[i].Name, documented[i]);
                }
            }
        }
    }
}
