package observability

import "fmt"

// guardDutyAgentAccounts are the AWS accounts whose ECR repository aws-guardduty-agent-fargate holds
// GuardDuty's Fargate security agent, per region (GuardDuty User Guide, "ECR Repository for GuardDuty
// agent on AWS Fargate (Amazon ECS only)").
var guardDutyAgentAccounts = map[string]string{
	"us-east-1": "593207742271", "us-east-2": "307168627858", "us-west-1": "684579721401",
	"us-west-2": "733349766148", "ca-central-1": "354763396469", "ca-west-1": "339712888787",
	"mx-central-1": "311141559934", "sa-east-1": "758426053663",
	"eu-west-1": "694911143906", "eu-west-2": "892757235363", "eu-west-3": "665651866788",
	"eu-central-1": "323658145986", "eu-central-2": "529164026651", "eu-north-1": "591436053604",
	"eu-south-1": "266869475730", "eu-south-2": "919611009337",
	"ap-south-1": "251508486986", "ap-south-2": "950823858135", "ap-southeast-1": "174946120834",
	"ap-southeast-2": "005257825471", "ap-southeast-3": "510637619217", "ap-southeast-4": "251357961535",
	"ap-southeast-5": "156041399949", "ap-southeast-7": "054037130133", "ap-northeast-1": "533107202818",
	"ap-northeast-2": "914738172881", "ap-northeast-3": "273192626886", "ap-east-1": "258348409381",
	"ap-east-2": "259886477082", "me-south-1": "536382113932", "me-central-1": "000014521398",
	"il-central-1": "870907303882", "af-south-1": "197869348890",
}

// GuardDutyAgentRepositoryArn is the repository GuardDuty pulls its Fargate sidecar from, with the task's
// execution role: with runtime monitoring on, that role must be allowed to pull from it, or GuardDuty
// cannot cover the tasks.
func GuardDutyAgentRepositoryArn(region string) (string, error) {
	account, ok := guardDutyAgentAccounts[region]
	if !ok {
		return "", fmt.Errorf("observability: GuardDuty's Fargate agent repository for region %q is not known here: turn enableGuardDuty off or add the region to guardDutyAgentAccounts", region)
	}
	return fmt.Sprintf("arn:aws:ecr:%s:%s:repository/aws-guardduty-agent-fargate", region, account), nil
}
