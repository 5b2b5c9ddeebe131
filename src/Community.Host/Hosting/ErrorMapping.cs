using System.Globalization;
using System.Text.Json;
using Community.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.SignalR;

namespace Community.Host.Hosting;

/// <summary>The one place where failures become what clients read: problem details over HTTP, <see cref="HubException"/> on the hub.</summary>
public static partial class ErrorMapping
{
    public readonly record struct Failure(int Status, string Detail, TimeSpan? RetryAfter = null);

    public static Failure? Describe(Exception ex) => ex switch
    {
        CommunityException c => new Failure((int)c.Kind, c.Message, c.RetryAfter),
        BadHttpRequestException { InnerException: JsonException json } => new Failure(400, RequestWords.Json(json)),
        BadHttpRequestException b => new Failure(b.StatusCode, RequestWords.Request(b)),
        JsonException json => new Failure(400, RequestWords.Json(json)),
        // Orleans cancels a call whose grain could not be placed in time while a dead host's grains move (OperationCanceledException).
        SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or OperationCanceledException
            or Orleans.Runtime.OrleansException { InnerException: TimeoutException }
            => new Failure(503, "The service is briefly unavailable (a host is restarting); nothing was written. Try again shortly."),
        _ => null,
    };

    public static string TitleFor(int status) => status switch
    {
        400 => "Invalid input",
        401 => "Not signed in",
        403 => "Not allowed",
        404 => "Not found",
        409 => "Conflict",
        413 => "Too large",
        429 => "Too many requests",
        503 => "Storage unavailable",
        _ => "Error",
    };

    /// <summary>Hub errors read "404 Not found: There is no post 'x'." so a client can tell kinds apart.</summary>
    public static HubException ToHubException(Failure failure) =>
        new($"{failure.Status} {TitleFor(failure.Status)}: {failure.Detail}");

    public static WebApplicationBuilder AddCommunityErrors(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            // Status-code-only responses (401 from authentication, 404 for unknown routes) still say what happened.
            c.ProblemDetails.Detail ??= c.ProblemDetails.Status switch
            {
                401 => "Sign in: send a bearer token in the Authorization header (hub clients: the access_token query parameter).",
                403 => "You are not allowed to do this.",
                404 => "There is nothing at this address.",
                405 => "This address does not take that method.",
                413 => RequestWords.BodyTooLarge,
                415 => RequestWords.NotJson,
                _ => null,
            };
        });
        builder.Services.AddExceptionHandler<CommunityExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return builder;
    }

    private sealed partial class CommunityExceptionHandler(IProblemDetailsService problems, ILogger<CommunityExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var failure = Describe(exception);
            if (failure is null)
            {
                LogUnhandled(logger, exception, context.Request.Method, context.Request.Path);
                failure = new Failure(500, "Something went wrong on our side; it has been logged.");
            }

            var f = failure.Value;
            context.Response.StatusCode = f.Status;
            if (f.RetryAfter is { } retry)
            {
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails = { Status = f.Status, Title = TitleFor(f.Status), Detail = f.Detail },
            });
        }

        [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure in {Method} {Path}.")]
        private static partial void LogUnhandled(ILogger logger, Exception ex, string method, string path);
    }
}

/// <summary>Turns domain errors of hub methods into <see cref="HubException"/>s whose message the client sees.</summary>
public sealed partial class HubErrorFilter(ILogger<HubErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (HubException)
        {
            throw;
        }
        catch (Exception ex)
        {
            if (ErrorMapping.Describe(ex) is { } failure)
            {
                throw ErrorMapping.ToHubException(failure);
            }

            LogUnhandled(logger, ex, invocationContext.HubMethodName);
            throw new HubException("500 Error: Something went wrong on our side; it has been logged.");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure in hub method {Method}.")]
    private static partial void LogUnhandled(ILogger logger, Exception ex, string method);
}
