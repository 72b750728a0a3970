using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Grpc.AspNetCore.Server;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// The server side of SecretFleet's gRPC on grpc-dotnet: the gRPC services runtime with our
/// message limits, client-certificate authentication against the fleet CA, the standard health
/// service and server reflection. Authorization is the host's (the node's interceptor), added
/// through the options of <see cref="AddFleetGrpc"/>.
/// </summary>
public static class FleetGrpcServerExtensions
{
    /// <summary>
    /// Registers grpc-dotnet (4 MiB messages each way unless <paramref name="configure"/> says
    /// otherwise; exception texts never sent to callers), the certificate authentication handler
    /// (chained certificates only, the fleet CA as the only root, client-auth usage, validity
    /// checked; each connection's verdict cached, <see cref="ConnectionCertificateCache"/>) whose principal carries the caller's
    /// <c>spiffe://</c> identity as <see cref="FleetPeer.IdentityClaim"/>,
    /// <see cref="HealthServiceImpl"/> as a singleton, reflection and the call metrics.
    /// Kestrel's handshake (<c>KestrelTlsExtensions.UseFleetTls</c>) already refuses a
    /// certificate this handler would refuse; the handler is what turns the certificate into an
    /// identity the authorization reads.
    /// </summary>
    public static IServiceCollection AddFleetGrpc(this IServiceCollection services, TlsMaterial tls, Action<GrpcServiceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(tls);
        services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = 4 * 1024 * 1024;
            options.MaxSendMessageSize = 4 * 1024 * 1024;
            // Exception texts may name internals; callers get "Exception was thrown by handler."
            options.EnableDetailedErrors = false;
            configure?.Invoke(options);
        });
        services.AddGrpcReflection();
        services.TryAddSingleton<HealthServiceImpl>();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RpcServerMetrics>();
        services.AddAuthentication(CertificateAuthenticationDefaults.AuthenticationScheme)
            .AddCertificate(options =>
            {
                options.AllowedCertificateTypes = CertificateTypes.Chained;
                options.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
                options.CustomTrustStore.Add(tls.CertificateAuthority);
                options.AdditionalChainCertificates.AddRange(tls.Intermediates);
                // Pods have no route to CRLs and the CA is ours; short-lived certificates stand in.
                options.RevocationMode = X509RevocationMode.NoCheck;
                options.ValidateCertificateUse = true;
                options.ValidateValidityPeriod = true;
                options.Events = new CertificateAuthenticationEvents
                {
                    OnCertificateValidated = context =>
                    {
                        var claims = new List<Claim>();
                        var identity = FleetIdentity.FromCertificate(context.ClientCertificate);
                        if (identity is not null)
                        {
                            claims.Add(new Claim(FleetPeer.IdentityClaim, identity.ToString(), ClaimValueTypes.String, context.Options.ClaimsIssuer));
                            claims.Add(new Claim(ClaimTypes.Role, FleetIdentity.RoleSegment(identity.Role), ClaimValueTypes.String, context.Options.ClaimsIssuer));
                        }

                        claims.Add(new Claim(ClaimTypes.Thumbprint, context.ClientCertificate.Thumbprint, ClaimValueTypes.Base64Binary, context.Options.ClaimsIssuer));
                        context.Principal = new ClaimsPrincipal(new FleetClaimsIdentity(identity, claims, context.Scheme.Name));
                        context.Success();
                        return Task.CompletedTask;
                    },
                };
            });
        services.TryAddSingleton<ICertificateValidationCache, ConnectionCertificateCache>();
        return services;
    }

    /// <summary>Call metrics, then authentication: put it before the gRPC endpoints.</summary>
    public static IApplicationBuilder UseFleetGrpc(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<GrpcCallMetricsMiddleware>();
        app.UseAuthentication();
        return app;
    }

    /// <summary>Maps <c>grpc.health.v1.Health</c> (the registered <see cref="HealthServiceImpl"/>) and server reflection.</summary>
    public static IEndpointRouteBuilder MapFleetGrpcStandardServices(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGrpcService<HealthServiceImpl>();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}
