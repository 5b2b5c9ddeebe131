# Community host image. Build from the repo root:  docker build -t community-host .
# Used by docker-compose.yml (two silos + Azurite).

# The pages' SignalR browser client comes from npm (pinned in package-lock.json); the host's build copies it.
FROM node:20-slim AS web
WORKDIR /web
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY --from=web /web/node_modules/@microsoft/signalr/dist/browser/ node_modules/@microsoft/signalr/dist/browser/
# Build settings (TreatWarningsAsErrors + EnforceCodeStyleInBuild read .editorconfig).
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet restore src/Community.Host/Community.Host.csproj
RUN dotnet publish src/Community.Host/Community.Host.csproj -c Release --no-restore \
      -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://0.0.0.0:8080
# 8080 HTTP (SignalR hub, health), 11111 Orleans silo port (between hosts only). No Orleans gateway: it is off.
EXPOSE 8080 11111
USER $APP_UID
ENTRYPOINT ["dotnet", "Community.Host.dll"]
