using Microsoft.Extensions.FileProviders;

namespace Community.Host.Pages;

/// <summary>
/// The pages people look at (sign-in, creator console, live room, brand dashboard): static files under
/// <c>wwwroot</c>, built only on the public API and the hub. They are copied next to the host's assembly, so the
/// same files are served however the host is started (<c>dotnet run</c>, the built dll, a test process).
/// </summary>
public static class PagesExtensions
{
    public static WebApplication UseCommunityPages(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root))
        {
            return app;
        }

        var files = new StaticFileOptions { FileProvider = new PhysicalFileProvider(root) };
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files.FileProvider });
        app.UseStaticFiles(files);
        return app;
    }

    public static WebApplication MapCommunityPages(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root))
        {
            return app;
        }

        var files = new StaticFileOptions { FileProvider = new PhysicalFileProvider(root) };
        app.MapFallbackToFile("/console", "console.html", files);
        app.MapFallbackToFile("/live/{liveId}", "live.html", files);
        app.MapFallbackToFile("/campaigns/{campaignId}", "campaign.html", files);
        return app;
    }
}
