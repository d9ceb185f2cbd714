// The pipeline workbook (docs/operate.md, "Dashboard"), shown with Application Insights (Workbooks): leads per day by
// offer, source and action, accepted against rejected, delivery latency, retries and poison, test leads apart, and the
// pipeline gauges. Its items are in pipeline.workbook.json, which names the Application Insights resource by a placeholder.

param location string
param tags object = {}
param applicationInsightsName string
param displayName string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(applicationInsights.id, 'pipeline-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: applicationInsights.id
    serializedData: replace(loadTextContent('./pipeline.workbook.json'), '__APPLICATION_INSIGHTS_ID__', applicationInsights.id)
  }
}

output name string = workbook.name
