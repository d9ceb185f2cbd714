// The one storage account behind the app: the Functions host's own state (AzureWebJobsStorage), the lead queue and its
// poison queue, the MarketplaceLeads table (the Table destination), and on Flex Consumption the deployment container.
// Reached only with Entra ID tokens: shared keys are disabled.

param name string
param location string
param tags object = {}

@allowed(['Standard_LRS', 'Standard_ZRS'])
param skuName string = 'Standard_LRS'

@description('Queue ReceiveLead writes and ProcessLead reads; the host moves failed messages to <name>-poison.')
param leadQueueName string

@description('Table the Table destination writes (the same name Partner Center\'s own Azure Table destination uses).')
param leadTableName string

@description('Blob container the Flex Consumption plan deploys the app package from.')
param deploymentContainerName string

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false // Function keys and the app package live in blobs: never anonymous
    allowSharedKeyAccess: false // Identity only: no account key or SAS can reach the leads
    defaultToOAuthAuthentication: true // The portal and tools use Entra ID too, since keys are off
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled' // The Functions host reaches it over the public endpoint (no VNet in this template)
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource blobs 'blobServices' = {
    name: 'default'

    resource deployment 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }
  }

  resource queues 'queueServices' = {
    name: 'default'

    resource leads 'queues' = {
      name: leadQueueName
    }

    // Created up front so that the poison queue can be watched (and replayed from) before the first failure.
    resource poison 'queues' = {
      name: '${leadQueueName}-poison'
    }
  }

  resource tables 'tableServices' = {
    name: 'default'

    resource leads 'tables' = {
      name: leadTableName
    }
  }
}

output name string = storage.name
output resourceId string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
