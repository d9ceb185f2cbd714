// The function app: a Flex Consumption plan and site running the .NET 10 isolated worker (LeadFunctions.dll,
// functions.metadata). The runtime is declared in functionAppConfig and the package deployed to a blob container, read
// with the app's identity: no Azure Files share, no storage key. docs/deploy.md ("Hosting plan") says why Elastic
// Premium is not offered.

param name string
param planName string
param location string
param tags object = {}

@description('The azd service this app implements (azure.yaml services.api).')
param serviceName string = 'api'

param identityResourceId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string

@description('Settings the app reads (queue name, CRM destination); merged over the host settings below. Secure: it may hold a secret.')
@secure()
param appSettings object = {}

@description('Flex Consumption: most instances the app may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Flex Consumption: instances kept warm for HTTP (ReceiveLead); 0 scales to zero and accepts a cold start.')
@minValue(0)
param alwaysReadyHttpInstances int = 0

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux: the app is published for linux-x64
  }
}

// Identity-based AzureWebJobsStorage: the host (queue trigger) and the app (Storage/LeadStorage.cs) both read these, no keys.
var storageSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
}

var hostSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  // Application Insights accepts only Entra ID telemetry (local auth is off): send it as the app's identity.
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // Azure.Identity's DefaultAzureCredential (e.g. the Dataverse destination) picks this user-assigned identity.
  AZURE_CLIENT_ID: identityClientId
}


resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true // Partner Center posts over HTTPS; plain HTTP is redirected, never served
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled' // Partner Center calls from the internet; the function key guards the endpoint
    keyVaultReferenceIdentity: identityResourceId // Key Vault references resolve as the app's identity
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
        alwaysReady: alwaysReadyHttpInstances > 0
          ? [
              {
                name: 'http'
                instanceCount: alwaysReadyHttpInstances
              }
            ]
          : []
      }
      // Flex Consumption's .NET isolated stack, .NET 10 (docs/deploy.md, "Hosting plan").
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: union(storageSettings, hostSettings, appSettings)
  }

  // Publishing only with Entra ID (azd, az): no FTP or basic-auth (publishing profile) credentials.
  resource ftp 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scm 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
