using Community.Host.Hosting;

var app = CommunityApp.Build(args);
if (!await StorageCheck.IsReachableAsync(app, Console.Error))
{
    return 1;
}

await app.RunAsync();
return 0;

/// <summary>Entry point; visible to tests.</summary>
public partial class Program;
