import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { STICKY_MODES, type PlanStatus, type StickyBy } from '../deployment-state';

const NUMBER = { allowNaN: false, allowInfinity: false } as const;

export class RouteDto {
  @ApiProperty({ example: 2 })
  @IsInt({ message: 'routes[].version must be a version number' })
  @Min(1)
  version!: number;

  @ApiProperty({ example: 10, description: 'Percent of unpinned requests, a whole number 0-100; the routes sum to 100' })
  @IsInt({ message: 'routes[].weight must be a whole number of percent' })
  @Min(0)
  @Max(100)
  weight!: number;
}

export class ShadowDto {
  @ApiProperty({ example: 3 })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiProperty({ example: 10, description: 'Percent of unpinned requests copied to the shadow after they are answered, above 0 and up to 100' })
  @IsNumber(NUMBER)
  @Min(0.01)
  @Max(100)
  percent!: number;
}

export class FallbackDto {
  @ApiProperty({ example: 1, description: 'The version that answers when the routed one is overloaded or failing' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional({ example: 5, default: 5, description: 'Consecutive failures of a routed version that open its circuit' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  errorThreshold?: number;

  @ApiPropertyOptional({ example: 30, default: 30, description: 'Seconds an open circuit sends that version\'s traffic to the fallback before trying it again' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  openSeconds?: number;
}

export class PlanGatesDto {
  @ApiPropertyOptional({ example: 0.01, description: "Largest share of the canary's requests answered with a server error (0.01 = 1%)" })
  @IsOptional()
  @IsNumber(NUMBER)
  @Min(0)
  @Max(1)
  maxErrorRate?: number;

  @ApiPropertyOptional({ example: 0.005, description: "Largest amount by which the canary's error rate may exceed stable's" })
  @IsOptional()
  @IsNumber(NUMBER)
  @Min(0)
  @Max(1)
  maxErrorRateIncrease?: number;

  @ApiPropertyOptional({ example: 50, description: 'Largest canary p95 latency, ms' })
  @IsOptional()
  @IsNumber(NUMBER)
  @Min(0.001)
  @Max(3_600_000)
  maxP95Ms?: number;

  @ApiPropertyOptional({ example: 100, description: 'Largest canary p99 latency, ms' })
  @IsOptional()
  @IsNumber(NUMBER)
  @Min(0.001)
  @Max(3_600_000)
  maxP99Ms?: number;

  @ApiPropertyOptional({ example: 1.5, description: "Largest canary p95 over stable's p95 (1.5: at most 50% slower)" })
  @IsOptional()
  @IsNumber(NUMBER)
  @Min(1)
  @Max(1000)
  maxLatencyRatio?: number;

  @ApiPropertyOptional({ example: 2, description: "Largest canary p99 over stable's p99 (2: at most twice as slow in the tail)" })
  @IsOptional()
  @IsNumber(NUMBER)
  @Min(1)
  @Max(1000)
  maxP99Ratio?: number;
}

export class PlanDto {
  @ApiProperty({ example: [5, 25, 50, 100], type: [Number], description: "The canary's weights, increasing, ending at 100 (reaching 100 promotes it)" })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsInt({ each: true, message: 'each plan step must be a whole number of percent' })
  @Min(1, { each: true })
  @Max(100, { each: true })
  steps!: number[];

  @ApiPropertyOptional({ example: 100, default: 100, description: 'Canary requests a step needs before it can pass and before its gates are judged' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  minRequests?: number;

  @ApiPropertyOptional({ example: 300, default: 60, description: 'Seconds each step lasts at least' })
  @IsOptional()
  @IsNumber(NUMBER)
  @Min(0)
  @Max(30 * 86_400)
  minDurationSeconds?: number;

  @ApiPropertyOptional({ type: PlanGatesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PlanGatesDto)
  gates?: PlanGatesDto;
}

export class PutDeploymentDto {
  @ApiProperty({ type: [RouteDto], example: [{ version: 1, weight: 95 }, { version: 2, weight: 5 }] })
  @IsArray()
  @ArrayMinSize(1, { message: 'routes must name at least one version' })
  @ArrayMaxSize(16)
  @ValidateNested({ each: true })
  @Type(() => RouteDto)
  routes!: RouteDto[];

  @ApiPropertyOptional({ example: 1, description: 'The version labelled stable; by default the one stable already was, if still routed, else the heaviest route' })
  @IsOptional()
  @IsInt()
  @Min(1)
  stable?: number;

  @ApiPropertyOptional({ example: 2, description: 'The version labelled canary; by default the other route when there are exactly two' })
  @IsOptional()
  @IsInt()
  @Min(1)
  canary?: number;

  @ApiPropertyOptional({ type: ShadowDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ShadowDto)
  shadow?: ShadowDto;

  @ApiPropertyOptional({ type: FallbackDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FallbackDto)
  fallback?: FallbackDto;

  @ApiPropertyOptional({ type: PlanDto, description: 'Progressive delivery of the canary: routes must then be stable and canary, the canary at the first step' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PlanDto)
  plan?: PlanDto;

  @ApiPropertyOptional({ enum: STICKY_MODES, default: 'header', description: 'header: clients sending X-Routing-Key keep their version; key: that header or else the calling key; none: never sticky' })
  @IsOptional()
  @IsIn(STICKY_MODES, { message: `sticky must be one of ${STICKY_MODES.join(', ')}` })
  sticky?: StickyBy;

  @ApiPropertyOptional({ example: 'v2 passed offline evaluation', description: 'Why, kept in the history' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

/**
 * A change of the deployment's options that leaves its routes, labels and plan as they are: a
 * running plan keeps running. A field left out stays as it is; null removes it.
 */
export class PatchDeploymentDto {
  @ApiPropertyOptional({ type: ShadowDto, nullable: true, description: 'Copy a share of unpinned requests to a version that is not routed; null stops shadowing' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsObject({ message: 'shadow must be an object { "version", "percent" }, or null to stop shadowing' })
  @ValidateNested()
  @Type(() => ShadowDto)
  shadow?: ShadowDto | null;

  @ApiPropertyOptional({ type: FallbackDto, nullable: true, description: 'The version that answers when a routed one is failing or overloaded; null removes it' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsObject({ message: 'fallback must be an object { "version", "errorThreshold"?, "openSeconds"? }, or null to remove it' })
  @ValidateNested()
  @Type(() => FallbackDto)
  fallback?: FallbackDto | null;

  @ApiPropertyOptional({ enum: STICKY_MODES, description: 'header: clients sending X-Routing-Key keep their version; key: that header or else the calling key; none: never sticky' })
  @IsOptional()
  @IsIn(STICKY_MODES, { message: `sticky must be one of ${STICKY_MODES.join(', ')}` })
  sticky?: StickyBy;

  @ApiPropertyOptional({ example: 'compare v3 on live traffic before its canary', description: 'Why, kept in the history' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class RolloutActionDto {
  @ApiPropertyOptional({ example: 'p99 regression seen on the dashboard', description: 'Why, kept in the history' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class GateFiguresDto {
  @ApiProperty() requests!: number;
  @ApiProperty() errors!: number;
  @ApiProperty({ nullable: true, type: Number }) errorRate!: number | null;
  @ApiProperty({ nullable: true, type: Number }) p95Ms!: number | null;
  @ApiProperty({ nullable: true, type: Number }) p99Ms!: number | null;
}

export class PlanStateDto {
  @ApiProperty({ enum: ['running', 'paused', 'promoted', 'rolled-back', 'aborted'] })
  status!: PlanStatus;
  @ApiProperty({ description: 'Index of the current step in plan.steps' })
  step!: number;
  @ApiProperty({ description: 'Weight of the current step' })
  weight!: number;
  @ApiProperty()
  stepStartedAt!: string;
  @ApiPropertyOptional()
  reason?: string;
  @ApiPropertyOptional({ type: GateFiguresDto })
  canary?: GateFiguresDto;
  @ApiPropertyOptional({ type: GateFiguresDto })
  stable?: GateFiguresDto;
  @ApiPropertyOptional()
  checkedAt?: string;
}

export class PlanEvaluationDto {
  @ApiProperty({ description: 'The deployment revision it judged' }) revision!: number;
  @ApiProperty() step!: number;
  @ApiProperty() checkedAt!: string;
  @ApiProperty({ type: GateFiguresDto, description: "The canary's figures since the step started (this server's share of traffic)" })
  canary!: GateFiguresDto;
  @ApiProperty({ type: GateFiguresDto, description: "Stable's figures over the same time" })
  stable!: GateFiguresDto;
  @ApiProperty({ enum: ['wait', 'advance', 'promote', 'rollback'] }) decision!: string;
  @ApiProperty({ example: 'step 1 of 3 (5%) has 12 of the 20 canary requests it needs' }) reason!: string;
}

export class RouteStateDto extends RouteDto {
  @ApiProperty({ enum: ['loading', 'ready', 'unavailable', 'not loaded'], description: 'Whether this server can answer with the version now' })
  serving!: string;
}

export class DeploymentDto {
  @ApiProperty({ example: 'iris' }) model!: string;
  @ApiProperty({ description: 'Bumped by every change' }) revision!: number;
  @ApiProperty({ type: [RouteStateDto] }) routes!: RouteStateDto[];
  @ApiProperty({ nullable: true, type: Number }) stable!: number | null;
  @ApiProperty({ nullable: true, type: Number }) canary!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Where a rollback goes back to' }) previousStable!: number | null;
  @ApiProperty({ type: ShadowDto, nullable: true }) shadow!: ShadowDto | null;
  @ApiProperty({ type: FallbackDto, nullable: true }) fallback!: Required<FallbackDto> | null;
  @ApiProperty({ enum: STICKY_MODES }) sticky!: StickyBy;
  @ApiProperty({ type: PlanDto, nullable: true }) plan!: PlanDto | null;
  @ApiProperty({ type: PlanStateDto, nullable: true }) planState!: PlanStateDto | null;
  @ApiPropertyOptional({ type: PlanEvaluationDto, description: "A running plan's latest evaluation on this server: the canary against stable, and what the step still needs" })
  evaluation?: PlanEvaluationDto;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ nullable: true, type: String }) updatedBy!: string | null;
}

export class DeploymentListDto {
  @ApiProperty({ type: [DeploymentDto], description: 'Deployments by model name; a model without one is not listed (its unpinned requests go to its latest ready version)' })
  items!: DeploymentDto[];
  @ApiProperty({ description: 'Deployments in all (of the models the key may see)' }) total!: number;
}

export class RolloutEventDto {
  @ApiProperty() id!: string;
  @ApiProperty() at!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ example: 'operator:alice', description: 'Who: key:<id>, operator:<name>, or system:plan (the progressive plan itself)' })
  actor!: string;
  @ApiProperty({ example: 'deployment.update', description: 'deployment.update, deployment.options, deployment.promote, deployment.rollback, plan.advance, plan.promote, plan.rollback, plan.pause, plan.resume, plan.abort' })
  action!: string;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ type: DeploymentDto, description: 'The deployment as this change left it' }) deployment!: DeploymentDto;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The figures behind a plan decision' }) details?: Record<string, unknown>;
}

export class RolloutHistoryDto {
  @ApiProperty({ type: [RolloutEventDto] }) items!: RolloutEventDto[];
  @ApiProperty() total!: number;
}
