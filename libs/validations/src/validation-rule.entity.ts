import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';

export const RULE_TYPES = ['expression', 'basic', 'advanced', 'complex'] as const;
export type RuleType = (typeof RULE_TYPES)[number];

/** A validation rule set (`val_`): the rules JSON as the client sent it, validated at write. */
@Entity({ name: 'validation_rules' })
@Index('ix_validation_rules_project_created', ['projectId', 'createdAt'])
export class ValidationRuleEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  rules: Record<string, unknown>;

  @Column({ type: 'jsonb', nullable: true })
  error: { message?: string } | null;

  @Column({ name: 'applicable_to', type: 'jsonb', default: () => "'{}'" })
  applicableTo: Record<string, unknown>;

  @Column({ type: 'varchar', length: 20, default: 'expression' })
  type: RuleType;

  @Column({ name: 'context_type', type: 'varchar', length: 100, default: 'global' })
  contextType: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Null until the first update, as in the contract's examples. */
  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true })
  updatedAt: Date | null;
}

export const RELATED_OBJECT_TYPES = [
  'voucher',
  'campaign',
  'promotion_tier',
  'earning_rule',
  'reward_assignment',
  'distribution',
] as const;
export type RelatedObjectType = (typeof RELATED_OBJECT_TYPES)[number];

/** A rule set attached to a voucher, campaign, promotion tier… (`asgm_`). */
@Entity({ name: 'validation_rule_assignments' })
@Index(
  'ux_validation_rule_assignments_object',
  ['projectId', 'ruleId', 'relatedObjectType', 'relatedObjectId'],
  { unique: true },
)
@Index('ix_validation_rule_assignments_related', ['projectId', 'relatedObjectId'])
@Index('ix_validation_rule_assignments_rule_created', ['projectId', 'ruleId', 'createdAt'])
export class ValidationRuleAssignmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ name: 'rule_id', type: 'varchar', length: 40 })
  ruleId: string;

  // Deleting a rule removes its assignments in the same statement.
  @ManyToOne(() => ValidationRuleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'rule_id' })
  rule?: ValidationRuleEntity;

  @Column({ name: 'related_object_type', type: 'varchar', length: 40 })
  relatedObjectType: RelatedObjectType;

  @Column({ name: 'related_object_id', type: 'varchar', length: 200 })
  relatedObjectId: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
