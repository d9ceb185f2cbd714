// Application Insights on a Log Analytics workspace: the host's logs and requests, and the app's OpenTelemetry traces, metrics and logs.
// Local (instrumentation-key) authentication is off; the app's identity sends telemetry with an Entra ID token
// (APPLICATIONINSIGHTS_AUTHENTICATION_STRING and Monitoring Metrics Publisher).

param logAnalyticsName string
param applicationInsightsName string
param location string
param tags object = {}

@minValue(30)
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true // Telemetry is accepted only with an Entra ID token, so the connection string is no secret
    // Custom metrics keep their dimensions in the metrics store, so that alerts and the workbook can split and filter the
    // app's metrics by destination, reason, offer... ("With dimensions"; docs/operate.md, "Alerts"). The property is
    // not in the published API schema (Azure/bicep-types-az#2048), hence the suppressed warning.
    #disable-next-line BCP037
    CustomMetricsOptedInType: 'WithDimensions'
  }
}

output applicationInsightsName string = applicationInsights.name
output applicationInsightsResourceId string = applicationInsights.id
output connectionString string = applicationInsights.properties.ConnectionString
output logAnalyticsName string = workspace.name
