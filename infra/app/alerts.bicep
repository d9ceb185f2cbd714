// The alert rules on the app's own metrics in Application Insights, and the action group that emails them
// (docs/operate.md, "Alerts"). The rules are data (alerts.json): each one's description is the email's text and
// says what to run next. Without an alert email there is no action group; the rules still fire in the portal.

@description('Prefix of the rules\' names: each rule\'s name in alerts.json follows it.')
param namePrefix string
param actionGroupName string
param location string
param tags object = {}
param applicationInsightsName string

@description('Where alerts are emailed; empty for none.')
param alertEmail string = ''

var rules = loadJsonContent('./alerts.json')

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'leads'
    enabled: true
    emailReceivers: [
      {
        name: 'operator'
        emailAddress: alertEmail
        useCommonAlertSchema: true // the email shows the rule's description: what to run next
      }
    ]
  }
}

// Custom metrics (namespace azure.applicationinsights) that Application Insights builds from the app's OpenTelemetry metrics.
resource metricAlerts 'Microsoft.Insights/metricAlerts@2018-03-01' = [
  for rule in rules.metricAlerts: {
    name: '${namePrefix}${rule.name}'
    location: 'global'
    tags: tags
    properties: {
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [applicationInsights.id]
      evaluationFrequency: rule.evaluationFrequency
      windowSize: rule.windowSize
      autoMitigate: true
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: rule.name
            metricNamespace: 'azure.applicationinsights'
            metricName: rule.metric
            timeAggregation: rule.aggregation
            operator: rule.operator
            threshold: rule.threshold
            dimensions: rule.?dimensions ?? []
            skipMetricValidation: true // a custom metric exists only once the app has emitted it
          }
        ]
      }
      actions: empty(alertEmail) ? [] : [{ actionGroupId: actionGroup.id }]
    }
  }
]

// What no metric can say: that the gauges stopped coming (the app is down, so nothing it measures arrives).
resource logAlerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules.logAlerts: {
    name: '${namePrefix}${rule.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [applicationInsights.id]
      evaluationFrequency: rule.evaluationFrequency
      windowSize: rule.windowSize
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Count'
            operator: rule.operator
            threshold: rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: empty(alertEmail) ? [] : [actionGroup.id]
      }
    }
  }
]

output actionGroupName string = empty(alertEmail) ? '' : actionGroup.name
